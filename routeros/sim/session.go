package sim

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/uspbridge/uspbridge/routeros/wire"
)

// Limits on what a client may send before it has logged in (the API manual
// says RouterOS limits them; the values are not documented).
const (
	preLoginMaxWord  = 16 << 10
	preLoginMaxWords = 64
	// maxQueued bounds the replies waiting for a slow client; past it the
	// connection is dropped rather than buffering without end.
	maxQueued = 1 << 14
)

// subscription is one running listen or streaming command; r.mu guards it.
type subscription struct {
	sess     *session
	menu     *menu // for streaming commands a stand-in named by the command
	tag      string
	proplist []string
	job      *job
	stop     chan struct{} // closed when a streaming command ends
	stopped  bool
}

// session is one API connection. The reader goroutine parses and runs
// commands in order; a writer goroutine sends the queued replies, each after
// the configured delay, so a slow reply never blocks later commands.
type session struct {
	r    *Router
	conn net.Conn
	w    *wire.Writer
	log  *slog.Logger
	q    queue
	jobs sync.WaitGroup // streaming command goroutines

	// Guarded by r.mu.
	loggedIn bool
	group    string
	dropped  bool
}

// batch is the reply sentences of one command or one listen event.
type batch struct {
	seq       uint64
	due       time.Time
	tag       string // the command's tag ("" untagged)
	sentences [][]string
	close     bool // close the connection once written (/quit, reboot)
}

// queue holds a session's replies until they are due. Batches go out by
// due time, so a reply delayed before SetDelay(0) does not hold back later
// ones (RouterOS runs commands concurrently); replies of one tag keep their
// order.
type queue struct {
	mu      sync.Mutex
	batches []batch              // sorted by due, then seq
	lastDue map[string]time.Time // latest due per tag still queued
	seq     uint64
	wake    chan struct{} // capacity 1
	done    chan struct{} // closed by close
	closed  bool
}

func (q *queue) init() {
	q.wake = make(chan struct{}, 1)
	q.done = make(chan struct{})
	q.lastDue = map[string]time.Time{}
}

// push queues a batch; false when the queue is full.
func (q *queue) push(b batch) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return true
	}
	if len(q.batches) >= maxQueued {
		return false
	}
	if last, ok := q.lastDue[b.tag]; ok && b.due.Before(last) {
		b.due = last
	}
	q.lastDue[b.tag] = b.due
	q.seq++
	b.seq = q.seq
	i := sort.Search(len(q.batches), func(i int) bool { return q.batches[i].due.After(b.due) })
	q.batches = append(q.batches, batch{})
	copy(q.batches[i+1:], q.batches[i:])
	q.batches[i] = b
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// cancel drops the replies not yet due of the tag (all tags when all) and
// returns the tags whose replies it dropped, in queue order: those
// commands are still "running" and get interrupted by /cancel.
func (q *queue) cancel(all bool, tag string, now time.Time) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var tags []string
	seen := map[string]bool{}
	kept := q.batches[:0]
	for _, b := range q.batches {
		if b.due.After(now) && !b.close && (all || b.tag == tag) {
			if !seen[b.tag] {
				seen[b.tag] = true
				tags = append(tags, b.tag)
			}
			continue
		}
		kept = append(kept, b)
	}
	clear(q.batches[len(kept):])
	q.batches = kept
	for t := range seen {
		delete(q.lastDue, t)
	}
	return tags
}

func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.done)
	}
}

// next waits for the next due batch; false once the queue is closed.
func (q *queue) next() (batch, bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return batch{}, false
		}
		wait := time.Duration(-1)
		if len(q.batches) > 0 {
			b := q.batches[0]
			if wait = time.Until(b.due); wait <= 0 {
				q.batches[0] = batch{}
				q.batches = q.batches[1:]
				if q.lastDue[b.tag].Equal(b.due) {
					delete(q.lastDue, b.tag)
				}
				q.mu.Unlock()
				return b, true
			}
		}
		q.mu.Unlock()
		var t *time.Timer
		var timer <-chan time.Time
		if wait > 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-q.wake:
		case <-timer:
		case <-q.done:
		}
		if t != nil {
			t.Stop()
		}
	}
}

func newSession(r *Router, conn net.Conn) *session {
	s := &session{r: r, conn: conn, w: wire.NewWriter(conn), log: r.log.With("remote", conn.RemoteAddr().String())}
	s.q.init()
	return s
}

// push queues sentences for the client; r.mu is held. A client that lets
// maxQueued batches pile up is disconnected.
func (s *session) push(sentences [][]string, closeAfter bool) {
	if len(sentences) == 0 && !closeAfter {
		return
	}
	b := batch{due: time.Now().Add(s.r.delay), tag: tagOf(sentences), sentences: sentences, close: closeAfter}
	if !s.q.push(b) {
		s.log.Warn("client too slow, dropping connection", "queued", maxQueued)
		s.conn.Close()
	}
}

// serve runs the session until the connection ends.
func (s *session) serve() {
	writerDone := make(chan struct{})
	go s.writeLoop(writerDone)
	rd := wire.NewReader(s.conn)
	rd.MaxWordLen, rd.MaxSentenceWords = preLoginMaxWord, preLoginMaxWords
	for {
		words, err := rd.ReadSentence()
		if err != nil {
			s.logEnd(err)
			break
		}
		if s.handle(words) {
			rd.MaxWordLen, rd.MaxSentenceWords = wire.DefaultMaxWordLen, wire.DefaultMaxSentenceWords
		}
	}
	s.r.endSession(s)
	s.conn.Close()
	s.q.close()
	<-writerDone
	s.jobs.Wait()
}

// runJob streams the rounds of a periodic command until its last round,
// /cancel or the end of the session.
func (s *session) runJob(sub *subscription, done []string) {
	defer s.jobs.Done()
	r := s.r
	t := time.NewTicker(sub.job.interval)
	defer t.Stop()
	for n := 0; ; n++ {
		r.mu.Lock()
		if sub.stopped {
			r.mu.Unlock()
			return
		}
		sentences, last := sub.job.tick(n)
		if last {
			sentences = append(sentences, done)
			r.removeSubLocked(sub)
		}
		s.push(sentences, false)
		r.mu.Unlock()
		if last {
			return
		}
		select {
		case <-t.C:
		case <-sub.stop:
			return
		}
	}
}

func (s *session) logEnd(err error) {
	switch {
	case errors.Is(err, wire.ErrControlByte), errors.Is(err, wire.ErrTooLong):
		s.log.Warn("closing connection on malformed input", "err", err)
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	default:
		s.log.Debug("connection ended", "err", err)
	}
}

// tagOf is the tag of a batch: that of its last sentence (a /cancel
// batch ends with the cancelled command's !done).
func tagOf(sentences [][]string) string {
	if len(sentences) == 0 {
		return ""
	}
	last := sentences[len(sentences)-1]
	if len(last) > 1 && strings.HasPrefix(last[1], ".tag=") {
		return last[1][len(".tag="):]
	}
	return ""
}

func (s *session) writeLoop(done chan<- struct{}) {
	defer close(done)
	for {
		b, ok := s.q.next()
		if !ok {
			return
		}
		for _, words := range b.sentences {
			if err := s.w.WriteSentence(words...); err != nil {
				s.conn.Close()
				return
			}
		}
		if b.close {
			s.conn.Close()
			return
		}
	}
}

// handle runs one client sentence and reports whether the session is
// logged in afterwards.
func (s *session) handle(words []string) bool {
	req := parseRequest(words)
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.dropped {
		return s.loggedIn
	}
	r.commands++
	r.notifyLocked()
	s.log.Debug("command", "ros_cmd", req.cmd, "tag", req.tag)
	switch {
	case req.cmd == "/login":
		s.login(&req)
	case req.cmd == "/quit":
		// Bare reason word, no =message= (REPORT.md §1.5).
		s.push([][]string{{"!fatal", "session terminated on request"}}, true)
	case !s.loggedIn:
		s.push(req.trapReply(trapf("", "not logged in")), false)
	default:
		res := r.execLocked(caller{sess: s, group: s.group}, &req)
		s.push(res.sentences, res.closeConn)
		if sub := res.listen; sub != nil {
			r.subs = append(r.subs, sub)
			r.notifyLocked()
			if res.job != nil {
				sub.job, sub.stop = res.job, make(chan struct{})
				s.jobs.Add(1)
				go s.runJob(sub, req.done())
			}
		}
		r.dispatchLocked()
		if res.after != nil {
			res.after()
		}
	}
	return s.loggedIn
}

// login checks =name= and =password= against /user (post-6.43 login,
// REPORT.md §1.7). While the HangLogin fault is on, /login gets no reply.
func (s *session) login(req *request) {
	r := s.r
	if r.hangLogin {
		return
	}
	name, _ := req.attr("name")
	pass, _ := req.attr("password")
	if u := r.st.find(r.st.menu("/user"), name); name != "" && u != nil &&
		u.props["disabled"] != "true" && u.props["password"] == pass {
		s.loggedIn, s.group = true, u.props["group"]
		r.notifyLocked()
		s.push([][]string{req.done()}, false)
		return
	}
	s.push(req.trapReply(trapf("", "invalid user name or password (6)")), false)
}
