package routeros

import (
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/uspbridge/uspbridge/routeros/wire"
)

// Record is one item of a reply: the attribute words of one "!re" sentence,
// property name → value, all strings as RouterOS sends them ("true", "1w2d",
// bytes). Item ids are under ".id".
type Record map[string]string

// Reply is the result of a completed command.
type Reply struct {
	Records []Record
	// Done holds the attributes of the final "!done", e.g. "ret" after add.
	Done Record
}

// Conn is one logged-in RouterOS API session. Commands run concurrently on it,
// each with its own ".tag" (REPORT.md §1.6); one goroutine reads and
// dispatches replies. A Conn is not reconnected: when it ends, Done is closed
// and Err tells why; Client makes new ones.
type Conn struct {
	nc   net.Conn
	w    *wire.Writer
	log  *slog.Logger
	addr string

	mu      sync.Mutex
	pending map[string]*call
	nextTag uint64
	err     error // set once, when the connection ends
	done    chan struct{}
	reading chan struct{} // closed when the reader goroutine has returned
}

// call is one command waiting for its "!done".
type call struct {
	cmd      string
	records  []Record
	traps    []string
	category int
	doneRec  Record
	finished chan struct{} // closed when "!done" arrived or the connection ended
	err      error         // connection error, when it ended first
	stream   *Stream       // non-nil for listen commands
}

// writeTimeout bounds one sentence write: a router that stops reading must
// not block callers forever.
const writeTimeout = 15 * time.Second

// Dial connects to cfg.Address, upgrades to TLS when cfg.TLS is set, and logs
// in. The whole of it honours ctx and cfg.DialTimeout (default 10 s): a router
// that accepts TCP but never answers /login does not hang the caller.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	timeout := cfg.DialTimeout
	if timeout <= 0 {
		timeout = defaultDialTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	d := net.Dialer{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 10 * time.Second, Interval: 5 * time.Second, Count: 3}}
	nc, err := d.DialContext(ctx, "tcp", cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", cfg.Address, err)
	}
	// Any blocking read or write below is interrupted when ctx ends.
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Now()) })
	defer stop()
	if cfg.TLS != nil {
		tc := tls.Client(nc, cfg.TLS)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("tls handshake with %s: %w", cfg.Address, ctxErr(ctx, err))
		}
		nc = tc
	}
	r := wire.NewReader(nc)
	w := wire.NewWriter(nc)
	if err := login(r, w, cfg.Username, cfg.Password); err != nil {
		nc.Close()
		return nil, fmt.Errorf("login to %s: %w", cfg.Address, ctxErr(ctx, err))
	}
	if !stop() {
		// ctx ended just as login finished; the deadline may be set.
		nc.Close()
		return nil, fmt.Errorf("login to %s: %w", cfg.Address, ctx.Err())
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Conn{
		nc:      nc,
		w:       wire.NewWriter(deadlineWriter{nc}),
		log:     log,
		addr:    cfg.Address,
		pending: make(map[string]*call),
		done:    make(chan struct{}),
		reading: make(chan struct{}),
	}
	go c.readLoop(r)
	return c, nil
}

// ctxErr prefers the context's error when it caused err (a deadline we set).
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// login runs the post-6.43 login, falling back to the MD5 challenge when the
// router answers with "=ret=" (REPORT.md §1.7).
func login(r *wire.Reader, w *wire.Writer, user, password string) error {
	if err := w.WriteSentence("/login", "=name="+user, "=password="+password); err != nil {
		return err
	}
	done, err := readUntilDone(r, user)
	if err != nil {
		return err
	}
	ret, ok := done["ret"]
	if !ok {
		return nil
	}
	challenge, err := hex.DecodeString(ret)
	if err != nil {
		return fmt.Errorf("invalid login challenge %q", ret)
	}
	h := md5.New()
	h.Write([]byte{0})
	h.Write([]byte(password))
	h.Write(challenge)
	if err := w.WriteSentence("/login", "=name="+user, "=response=00"+hex.EncodeToString(h.Sum(nil))); err != nil {
		return err
	}
	_, err = readUntilDone(r, user)
	return err
}

func readUntilDone(r *wire.Reader, user string) (Record, error) {
	var traps []string
	for {
		words, err := r.ReadSentence()
		if err != nil {
			return nil, err
		}
		s := parseSentence(words)
		switch s.word {
		case "!trap":
			traps = append(traps, s.attrs["message"])
		case "!fatal":
			return nil, &FatalError{Reason: s.reason()}
		case "!done":
			if len(traps) > 0 {
				return nil, &LoginError{User: user, Message: traps[0]}
			}
			return s.attrs, nil
		}
	}
}

// sentence is a decoded reply sentence.
type sentence struct {
	word  string
	tag   string
	attrs Record
	bare  []string // words that are neither attributes nor ".tag" (the "!fatal" reason)
}

func (s sentence) reason() string {
	if len(s.bare) > 0 {
		return s.bare[0]
	}
	return s.attrs["message"]
}

// parseSentence splits a reply into its reply word, tag (anywhere in the
// sentence, REPORT.md §1.5) and attributes.
func parseSentence(words []string) sentence {
	s := sentence{word: words[0], attrs: make(Record, len(words)-1)}
	for _, w := range words[1:] {
		if len(w) > 5 && w[:5] == ".tag=" {
			s.tag = w[5:]
			continue
		}
		if k, v, ok := wire.SplitAttr(w); ok {
			s.attrs[k] = v
			continue
		}
		s.bare = append(s.bare, w)
	}
	return s
}

type deadlineWriter struct{ nc net.Conn }

func (d deadlineWriter) Write(p []byte) (int, error) {
	if err := d.nc.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return 0, err
	}
	return d.nc.Write(p)
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended (nil while it is up).
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the session and waits for its reader to stop. Pending commands
// fail with ErrClosed; open streams end.
func (c *Conn) Close() error {
	c.shutdown(ErrClosed)
	<-c.reading
	return nil
}

// shutdown records the first cause, closes the socket and fails everything
// pending. Safe to call more than once.
func (c *Conn) shutdown(cause error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = cause
	pending := c.pending
	c.pending = nil
	close(c.done)
	c.mu.Unlock()
	c.nc.Close()
	for _, cl := range pending {
		cl.err = cause
		if cl.stream != nil {
			cl.stream.end(cause)
		}
		close(cl.finished)
	}
}

func (c *Conn) readLoop(r *wire.Reader) {
	defer close(c.reading)
	for {
		words, err := r.ReadSentence()
		if err != nil {
			c.shutdown(fmt.Errorf("%w: %v", ErrClosed, err))
			return
		}
		s := parseSentence(words)
		if s.word == "!fatal" {
			c.shutdown(&FatalError{Reason: s.reason()})
			return
		}
		c.dispatch(s)
	}
}

func (c *Conn) dispatch(s sentence) {
	c.mu.Lock()
	cl := c.pending[s.tag]
	if cl == nil {
		c.mu.Unlock()
		// Replies to an abandoned (cancelled) command, or untagged noise.
		return
	}
	switch s.word {
	case "!re":
		if cl.stream != nil {
			c.mu.Unlock()
			if !cl.stream.deliver(s.attrs) {
				c.log.Warn("listen stream overflow; cancelling", "cmd", cl.cmd)
				go c.cancelTag(s.tag)
			}
			return
		}
		cl.records = append(cl.records, s.attrs)
	case "!trap":
		cl.traps = append(cl.traps, s.attrs["message"])
		if v, ok := s.attrs["category"]; ok && cl.category < 0 {
			cl.category, _ = strconv.Atoi(v)
		}
	case "!done":
		cl.doneRec = s.attrs
		delete(c.pending, s.tag)
		c.mu.Unlock()
		if cl.stream != nil {
			var err error
			// A cancelled listen ends with "interrupted" (category 2): normal.
			if len(cl.traps) > 0 && cl.category != 2 {
				err = &TrapError{Command: cl.cmd, Category: cl.category, Messages: cl.traps}
			}
			cl.stream.end(err)
		}
		close(cl.finished)
		return
	case "!empty":
	default:
		c.log.Debug("unknown reply word", "word", s.word, "cmd", cl.cmd)
	}
	c.mu.Unlock()
}

// start registers a call under a fresh tag and sends the command. The tag is
// registered before the sentence is written, so no reply can be missed.
func (c *Conn) start(cmd Command, st *Stream) (*call, string, error) {
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, "", fmt.Errorf("%s: %w", cmd.Path, errors.Join(ErrClosed, err))
	}
	c.nextTag++
	tag := strconv.FormatUint(c.nextTag, 10)
	c.mu.Unlock()

	words, err := cmd.words(tag)
	if err != nil {
		return nil, "", err
	}
	cl := &call{cmd: cmd.Path, category: -1, finished: make(chan struct{}), stream: st}

	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, "", fmt.Errorf("%s: %w", cmd.Path, errors.Join(ErrClosed, err))
	}
	c.pending[tag] = cl
	c.mu.Unlock()

	if err := c.w.WriteSentence(words...); err != nil {
		c.shutdown(fmt.Errorf("%w: write: %v", ErrClosed, err))
		return nil, "", fmt.Errorf("%s: %w", cmd.Path, err)
	}
	return cl, tag, nil
}

// Run sends cmd and waits for its "!done". "!trap" replies give a *TrapError.
// When ctx ends first, the command is cancelled on the router ("/cancel")
// and Run returns ctx's error; the connection stays usable.
func (c *Conn) Run(ctx context.Context, cmd Command) (*Reply, error) {
	cl, tag, err := c.start(cmd, nil)
	if err != nil {
		return nil, err
	}
	select {
	case <-cl.finished:
	case <-ctx.Done():
		c.abandon(tag)
		return nil, fmt.Errorf("%s: %w", cmd.Path, ctx.Err())
	}
	if cl.err != nil {
		return nil, fmt.Errorf("%s: %w", cmd.Path, cl.err)
	}
	if len(cl.traps) > 0 {
		return nil, &TrapError{Command: cmd.Path, Category: cl.category, Messages: cl.traps}
	}
	return &Reply{Records: cl.records, Done: cl.doneRec}, nil
}

// abandon forgets a call and cancels it on the router without waiting.
func (c *Conn) abandon(tag string) {
	c.mu.Lock()
	if c.pending != nil {
		delete(c.pending, tag)
	}
	c.mu.Unlock()
	go c.cancelTag(tag)
}

// cancelTag sends "/cancel =tag=X" untagged-reply-free: its own replies carry
// a tag nobody waits for and are dropped by dispatch.
func (c *Conn) cancelTag(tag string) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.nextTag++
	own := strconv.FormatUint(c.nextTag, 10)
	c.mu.Unlock()
	if err := c.w.WriteSentence("/cancel", "=tag="+tag, ".tag="+own); err != nil {
		c.shutdown(fmt.Errorf("%w: write: %v", ErrClosed, err))
	}
}

// Stream is a running "listen" (or other streaming) command. Records arrive on
// C in order; C is closed when the stream ends, after which Err says why (nil
// after Cancel).
type Stream struct {
	c   *Conn
	tag string
	ch  chan Record

	mu    sync.Mutex
	ended bool
	err   error
	call  *call
}

// Listen starts cmd (e.g. "/ip/address/listen") as a stream with room for
// buffer records (at least 1). A consumer that falls further behind ends the
// stream with ErrStreamOverflow instead of stalling other commands on the
// connection.
func (c *Conn) Listen(cmd Command, buffer int) (*Stream, error) {
	if buffer < 1 {
		buffer = 1
	}
	st := &Stream{c: c, ch: make(chan Record, buffer)}
	cl, tag, err := c.start(cmd, st)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	st.tag, st.call = tag, cl
	st.mu.Unlock()
	return st, nil
}

// C returns the channel of records.
func (s *Stream) C() <-chan Record { return s.ch }

// Err returns why the stream ended; nil while it runs or after Cancel.
func (s *Stream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// deliver hands a record to the consumer without blocking the reader. It
// returns false when the buffer is full (the stream is then ended).
func (s *Stream) deliver(r Record) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return true
	}
	select {
	case s.ch <- r:
		return true
	default:
		s.ended, s.err = true, ErrStreamOverflow
		close(s.ch)
		return false
	}
}

func (s *Stream) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.ended, s.err = true, err
	close(s.ch)
}

// Cancel stops the stream on the router ("/cancel =tag=…", REPORT.md §1.8)
// and waits until the router confirms it, the connection ends, or ctx ends.
// Other commands and streams on the connection are not affected.
func (s *Stream) Cancel(ctx context.Context) error {
	s.mu.Lock()
	cl := s.call
	s.mu.Unlock()
	select {
	case <-cl.finished:
		return nil
	default:
	}
	s.c.cancelTag(s.tag)
	select {
	case <-cl.finished:
		return nil
	case <-ctx.Done():
		s.c.abandon(s.tag)
		s.end(nil)
		return ctx.Err()
	}
}
