package sim

import (
	"context"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/routeros/wire"
)

// startRouter serves r on 127.0.0.1:0 until the test ends, then checks that
// Close left no goroutine behind.
func startRouter(t *testing.T, p *Profile, opts Options) (*Router, string) {
	t.Helper()
	before := runtime.NumGoroutine()
	r := NewRouter(p, opts)
	addr, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkGoroutines(t, before)
	})
	return r, addr.String()
}

// checkGoroutines retries until the goroutine count is back to before:
// goroutines of closed connections (also the clients') take a moment to
// return.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("goroutines: %d after, %d before\n%s", n, before, buf)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// rawClient speaks the wire protocol directly, to check exact sentences.
type rawClient struct {
	t    *testing.T
	conn net.Conn
	r    *wire.Reader
	w    *wire.Writer
}

func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawClient{t: t, conn: conn, r: wire.NewReader(conn), w: wire.NewWriter(conn)}
}

func (c *rawClient) send(words ...string) {
	c.t.Helper()
	if err := c.w.WriteSentence(words...); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next sentence; it fails the test after 5 s.
func (c *rawClient) read() []string {
	c.t.Helper()
	s, err := c.readErr()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return s
}

func (c *rawClient) readErr() ([]string, error) {
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	return c.r.ReadSentence()
}

// call sends a command and reads until its !done (or !fatal).
func (c *rawClient) call(words ...string) [][]string {
	c.t.Helper()
	c.send(words...)
	var out [][]string
	for {
		s := c.read()
		out = append(out, s)
		if s[0] == "!done" || s[0] == "!fatal" {
			return out
		}
	}
}

func (c *rawClient) login(user, pass string) {
	c.t.Helper()
	got := c.call("/login", "=name="+user, "=password="+pass)
	if len(got) != 1 || got[0][0] != "!done" {
		c.t.Fatalf("login: %q", got)
	}
}

func sentences(ss [][]string) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(strings.Join(s, " "))
		b.WriteString("\n")
	}
	return b.String()
}

// attrs returns the =k=v words of a sentence as a map.
func attrs(s []string) map[string]string {
	m := map[string]string{}
	for _, w := range s[1:] {
		if k, v, ok := wire.SplitAttr(w); ok {
			m[k] = v
		}
	}
	return m
}

func mustExec(t *testing.T, r *Router, words ...string) *Reply {
	t.Helper()
	rep, err := r.Exec(words...)
	if err != nil {
		t.Fatalf("%v: %v", words, err)
	}
	return rep
}

func loadFixture(t testing.TB, name string) *Profile {
	t.Helper()
	path, err := SharedFixture("exports", name)
	if err != nil {
		t.Skipf("fixture: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, _, err := LoadExport(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
