package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	rosproto "github.com/go-routeros/routeros/v3/proto"
)

func TestLengthEncoding(t *testing.T) {
	// Boundaries of every prefix form (API manual, "API words").
	cases := []struct {
		n    int
		want []byte
	}{
		{0, []byte{0x00}},
		{0x7F, []byte{0x7F}},
		{0x80, []byte{0x80, 0x80}},
		{0x100, []byte{0x81, 0x00}}, // librouteros "long word" case
		{0x3FFF, []byte{0xBF, 0xFF}},
		{0x4000, []byte{0xC0, 0x40, 0x00}},
		{0x1FFFFF, []byte{0xDF, 0xFF, 0xFF}},
		{0x200000, []byte{0xE0, 0x20, 0x00, 0x00}},
		{0xFFFFFFF, []byte{0xEF, 0xFF, 0xFF, 0xFF}},
		{0x10000000, []byte{0xF0, 0x10, 0x00, 0x00, 0x00}},
	}
	for _, c := range cases {
		got := AppendLength(nil, c.n)
		if !bytes.Equal(got, c.want) {
			t.Errorf("AppendLength(%#x) = % X, want % X", c.n, got, c.want)
		}
		r := NewReader(bytes.NewReader(got))
		n, err := r.readLength(true)
		if err != nil || n != c.n {
			t.Errorf("readLength(% X) = %#x, %v; want %#x", got, n, err, c.n)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	sentences := [][]string{
		{"/login", "=name=admin", "=password="},
		{"!re", "=.id=*1", "=comment=" + strings.Repeat("x", 300)},
		{"!done", "=ret=*3", ".tag=7"},
		{"/ip/address/print", "?interface=ether1", "?#|"},
		{"!re", "=big=" + strings.Repeat("y", 0x4001)},
		{"!re", "=huge=" + strings.Repeat("z", 0x200001)},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, s := range sentences {
		if err := w.WriteSentence(s...); err != nil {
			t.Fatal(err)
		}
	}
	buf.Write([]byte{0}) // an empty sentence is skipped
	r := NewReader(&buf)
	for i, want := range sentences {
		got, err := r.ReadSentence()
		if err != nil {
			t.Fatalf("sentence %d: %v", i, err)
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("sentence %d differs", i)
		}
	}
	if _, err := r.ReadSentence(); err != io.EOF {
		t.Fatalf("at end: %v, want io.EOF", err)
	}
}

func TestReaderErrors(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"control byte", []byte{0xF8}, ErrControlByte},
		{"undefined prefix", []byte{0xF3}, ErrControlByte},
		{"cut inside word", []byte{0x05, 'a', 'b'}, io.ErrUnexpectedEOF},
		{"cut before terminator", []byte{0x01, 'a'}, io.ErrUnexpectedEOF},
		{"cut inside prefix", []byte{0xC0, 0x01}, io.ErrUnexpectedEOF},
		{"word over limit", []byte{0xF0, 0x7F, 0xFF, 0xFF, 0xFF}, ErrTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(c.in)).ReadSentence()
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
	r := NewReader(bytes.NewReader(AppendSentence(nil, "a", "b", "c")))
	r.MaxSentenceWords = 2
	if _, err := r.ReadSentence(); !errors.Is(err, ErrTooLong) {
		t.Fatalf("sentence over word limit: %v", err)
	}
}

func TestSplitAttr(t *testing.T) {
	cases := []struct{ in, name, value string }{
		{"=name=admin", "name", "admin"},
		{"=comment=a=b=c", "comment", "a=b=c"},
		{"=once=", "once", ""},
		{"=once", "once", ""},
		{"=.id=*1A", ".id", "*1A"},
	}
	for _, c := range cases {
		n, v, ok := SplitAttr(c.in)
		if !ok || n != c.name || v != c.value {
			t.Errorf("SplitAttr(%q) = %q, %q, %v", c.in, n, v, ok)
		}
	}
	for _, bad := range []string{"", "=", "!re", ".tag=1", "?a=b"} {
		if _, _, ok := SplitAttr(bad); ok {
			t.Errorf("SplitAttr(%q) ok", bad)
		}
	}
}

// TestInteropGoRouterOS checks the codec against go-routeros v3.0.1's own
// proto package in both directions: an independent implementation of the
// same wire format.
func TestInteropGoRouterOS(t *testing.T) {
	words := []string{"!re", ".tag=3", "=.id=*1", "=name=" + strings.Repeat("n", 200), "=comment=" + strings.Repeat("c", 0x4100)}

	var theirs bytes.Buffer
	tw := rosproto.NewWriter(&theirs)
	tw.BeginSentence()
	for _, w := range words {
		tw.WriteWord(w)
	}
	if err := tw.EndSentence(); err != nil {
		t.Fatal(err)
	}
	ours := AppendSentence(nil, words...)
	if !bytes.Equal(theirs.Bytes(), ours) {
		t.Fatal("encodings differ from go-routeros")
	}

	got, err := NewReader(bytes.NewReader(theirs.Bytes())).ReadSentence()
	if err != nil || strings.Join(got, "|") != strings.Join(words, "|") {
		t.Fatalf("our reader on their bytes: %q, %v", got, err)
	}
	tr := rosproto.NewReader(bytes.NewReader(ours))
	defer tr.Close()
	sen, err := tr.ReadSentence()
	if err != nil {
		t.Fatal(err)
	}
	if sen.Word != "!re" || sen.Tag != "3" || sen.Map[".id"] != "*1" || len(sen.Map["comment"]) != 0x4100 {
		t.Fatalf("their reader on our bytes: %v", sen)
	}
}

func FuzzReadSentence(f *testing.F) {
	f.Add(AppendSentence(nil, "/login", "=name=admin", "=password=x"))
	f.Add(AppendSentence(nil, "!re", "=a="+strings.Repeat("b", 200)))
	f.Add([]byte{0xF8, 0x00})
	f.Add([]byte{0xE0, 0x00, 0x00, 0x01, 'x', 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in))
		r.MaxWordLen = 1 << 16
		for {
			words, err := r.ReadSentence()
			if err != nil {
				return
			}
			if len(words) == 0 {
				t.Fatal("empty sentence returned")
			}
			// Whatever decodes must re-encode to something that decodes the same.
			again, err := NewReader(bytes.NewReader(AppendSentence(nil, words...))).ReadSentence()
			if err != nil || strings.Join(again, "\x00") != strings.Join(words, "\x00") {
				t.Fatalf("re-encode mismatch: %q vs %q (%v)", words, again, err)
			}
		}
	})
}

// printReply is a 500-record print reply of 20 words each, like
// /interface/print on a large router.
func printReply() []byte {
	var b []byte
	for i := 0; i < 500; i++ {
		words := []string{"!re", ".tag=7", fmt.Sprintf("=.id=*%X", i), fmt.Sprintf("=name=ether%d", i)}
		for j := 0; j < 16; j++ {
			words = append(words, fmt.Sprintf("=prop-%d=%d", j, i*j))
		}
		b = AppendSentence(b, words...)
	}
	return AppendSentence(b, "!done", ".tag=7")
}

// BenchmarkDecodePrint compares this codec with go-routeros v3.0.1's proto
// reader on the same bytes (the reason the client keeps its own codec:
// go-routeros spawns a goroutine and copies a buffer on every Read).
func BenchmarkDecodePrint(b *testing.B) {
	data := printReply()
	b.Run("wire", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for range b.N {
			r := NewReader(bytes.NewReader(data))
			for {
				if _, err := r.ReadSentence(); err != nil {
					break
				}
			}
		}
	})
	b.Run("go-routeros", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for range b.N {
			r := rosproto.NewReader(bytes.NewReader(data))
			for {
				if _, err := r.ReadSentence(); err != nil {
					break
				}
			}
			r.Close()
		}
	})
}
