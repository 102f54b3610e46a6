// Package wire encodes and decodes the RouterOS API wire format: words with a
// 1–5 byte big-endian length prefix, and sentences of words ended by a
// zero-length word (MikroTik "API" manual, "Protocol"; REPORT.md §1.2–1.3).
//
// It is shared by the client (package routeros) and the simulator
// (package routeros/sim), so both sides speak exactly one codec. It knows
// nothing about commands, replies or tags beyond splitting attribute words.
package wire

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Default limits of a Reader. RouterOS replies are small; the limits exist so a
// broken or hostile peer cannot make the reader allocate gigabytes.
const (
	DefaultMaxWordLen       = 4 << 20 // bytes in one word
	DefaultMaxSentenceWords = 1 << 16 // words in one sentence
)

// ErrControlByte is returned when a length prefix starts with a reserved
// control byte (0xF8–0xFF). The API manual says a receiver cannot continue.
var ErrControlByte = errors.New("routeros wire: reserved control byte in length prefix")

// ErrTooLong is returned when a word or sentence exceeds the Reader's limits.
var ErrTooLong = errors.New("routeros wire: word or sentence exceeds limit")

// Reader reads sentences. It is not safe for concurrent use.
type Reader struct {
	r *bufio.Reader
	// MaxWordLen and MaxSentenceWords bound what one sentence may carry.
	MaxWordLen       int
	MaxSentenceWords int

	scratch []byte
}

// NewReader returns a Reader with the default limits.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 16<<10), MaxWordLen: DefaultMaxWordLen, MaxSentenceWords: DefaultMaxSentenceWords}
}

// ReadSentence reads the next non-empty sentence and returns its words.
// Empty sentences (a lone zero-length word) are skipped, as RouterOS does.
// At a clean end of stream between sentences it returns io.EOF; a stream cut
// inside a sentence gives io.ErrUnexpectedEOF.
func (r *Reader) ReadSentence() ([]string, error) {
	var words []string
	for {
		n, err := r.readLength(len(words) == 0)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if len(words) == 0 {
				continue
			}
			return words, nil
		}
		if n > r.MaxWordLen {
			return nil, fmt.Errorf("%w: word of %d bytes (limit %d)", ErrTooLong, n, r.MaxWordLen)
		}
		if len(words) >= r.MaxSentenceWords {
			return nil, fmt.Errorf("%w: more than %d words", ErrTooLong, r.MaxSentenceWords)
		}
		if cap(r.scratch) < n {
			r.scratch = make([]byte, n)
		}
		if _, err := io.ReadFull(r.r, r.scratch[:n]); err != nil {
			return nil, unexpected(err)
		}
		words = append(words, string(r.scratch[:n]))
		if cap(r.scratch) > 64<<10 {
			r.scratch = nil
		}
	}
}

// readLength decodes one length prefix. atStart says whether a clean EOF is
// acceptable here (between sentences).
func (r *Reader) readLength(atStart bool) (int, error) {
	b, err := r.r.ReadByte()
	if err != nil {
		if atStart {
			return 0, err
		}
		return 0, unexpected(err)
	}
	var extra int
	var n uint64
	switch {
	case b < 0x80:
		return int(b), nil
	case b < 0xC0:
		extra, n = 1, uint64(b&0x3F)
	case b < 0xE0:
		extra, n = 2, uint64(b&0x1F)
	case b < 0xF0:
		extra, n = 3, uint64(b&0x0F)
	case b == 0xF0:
		extra, n = 4, 0
	default:
		// 0xF1–0xF7 are not a defined prefix either; 0xF8+ are control bytes.
		return 0, fmt.Errorf("%w: 0x%02X", ErrControlByte, b)
	}
	for i := 0; i < extra; i++ {
		c, err := r.r.ReadByte()
		if err != nil {
			return 0, unexpected(err)
		}
		n = n<<8 | uint64(c)
	}
	if n > uint64(maxInt) {
		return 0, fmt.Errorf("%w: word of %d bytes", ErrTooLong, n)
	}
	return int(n), nil
}

const maxInt = int(^uint(0) >> 1)

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Writer writes sentences. WriteSentence is safe for concurrent use: each
// sentence is written and flushed whole.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// WriteSentence encodes words followed by the zero-length terminator and
// writes them in one call to the underlying writer.
func (w *Writer) WriteSentence(words ...string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = AppendSentence(w.buf[:0], words...)
	_, err := w.w.Write(w.buf)
	if cap(w.buf) > 64<<10 {
		w.buf = nil // do not pin one large reply's buffer forever
	}
	return err
}

// AppendSentence appends the encoding of words and the terminator to dst.
func AppendSentence(dst []byte, words ...string) []byte {
	for _, wd := range words {
		dst = AppendWord(dst, wd)
	}
	return append(dst, 0)
}

// AppendWord appends the length-prefixed encoding of word to dst.
func AppendWord(dst []byte, word string) []byte {
	return append(AppendLength(dst, len(word)), word...)
}

// AppendLength appends the 1–5 byte prefix for a word of n bytes.
func AppendLength(dst []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(dst, byte(n))
	case n < 0x4000:
		return append(dst, byte(n>>8)|0x80, byte(n))
	case n < 0x200000:
		return append(dst, byte(n>>16)|0xC0, byte(n>>8), byte(n))
	case n < 0x10000000:
		return append(dst, byte(n>>24)|0xE0, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(dst, 0xF0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// SplitAttr splits an attribute word "=name=value" into name and value. The
// value may itself contain "="; "=name" (no second "=") has an empty value.
// ok is false when word is not an attribute word.
func SplitAttr(word string) (name, value string, ok bool) {
	if len(word) < 2 || word[0] != '=' {
		return "", "", false
	}
	rest := word[1:]
	if i := strings.IndexByte(rest, '='); i >= 0 {
		return rest[:i], rest[i+1:], true
	}
	return rest, "", true
}
