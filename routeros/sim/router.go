package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// EmptyMode says whether a print without results replies !empty before
// !done (RouterOS 7.18 and newer, REPORT.md §1.5).
type EmptyMode int

const (
	// EmptyAuto sends !empty when the profile's RouterOS version is 7.18
	// or newer.
	EmptyAuto EmptyMode = iota
	// EmptyOn always sends !empty.
	EmptyOn
	// EmptyOff never sends it (pre-7.18; node-routeros 1.6.9 crashes on it).
	EmptyOff
)

// Options configure a Router. The zero value is usable.
type Options struct {
	// Username and Password of the API user, created in /user with group
	// full if missing (password replaced if present). Default admin / "".
	Username string
	Password string
	// Empty selects !empty behaviour; default EmptyAuto.
	Empty EmptyMode
	// Now is the router's clock for uptime, counters and /system/clock;
	// default time.Now. Reply delays always use real time.
	Now func() time.Time
	// Logger receives connection and command logs (debug); default discard.
	Logger *slog.Logger
}

// Router is one simulated RouterOS device: its state and an API server.
// All methods are safe for concurrent use.
type Router struct {
	prof  *Profile
	opts  Options
	log   *slog.Logger
	empty bool

	mu        sync.Mutex
	st        *state
	sessions  map[*session]struct{}
	subs      []*subscription
	accepted  int
	commands  int
	changed   chan struct{}
	hangLogin bool
	delay     time.Duration

	// Listener control, guarded by mu.
	serving bool
	ln      net.Listener
	addr    net.Addr
	paused  bool
	resume  chan struct{}

	// Start/Close, guarded by mu.
	stop   context.CancelFunc
	served chan error
}

// NewRouter makes a router with a private copy of the profile's state. It
// does no I/O; call Serve, ListenAndServe or Start.
func NewRouter(p *Profile, opts Options) *Router {
	if opts.Username == "" {
		opts.Username = "admin"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Router{prof: p, opts: opts, log: log.With("component", "routeros-sim"),
		sessions: map[*session]struct{}{}, changed: make(chan struct{})}
	switch opts.Empty {
	case EmptyOn:
		r.empty = true
	case EmptyAuto:
		r.empty = versionAtLeast(p.dev.version, 7, 18)
	}
	r.st = r.freshState()
	return r
}

// freshState copies the profile's state and starts its clock: uptime zero,
// counters from zero, the API user present.
func (r *Router) freshState() *state {
	st := r.prof.st.clone()
	st.now = r.opts.Now
	st.start = st.now()
	for _, it := range st.tbl(ifaces).items {
		up := it.props["running"] == "true"
		it.ctr = counters{rate: it.ctr.rate, up: up, since: st.start}
		it.props["link-downs"] = "0"
		delete(it.props, "last-link-down-time")
		delete(it.props, "last-link-up-time")
		if up {
			it.props["last-link-up-time"] = st.dev.date(st.start)
		}
	}
	users := st.menu("/user")
	if u := st.find(users, r.opts.Username); u != nil {
		u.props["password"] = r.opts.Password
	} else {
		st.lenient = true
		st.add(users, []kv{{"name", r.opts.Username}, {"group", "full"}, {"password", r.opts.Password}})
		st.lenient = false
	}
	st.changes = st.changes[:0]
	return st
}

// Serve accepts API connections on ln until ctx is done, then closes ln and
// every session and returns nil once all its goroutines have ended. A
// Router serves one listener at a time.
func (r *Router) Serve(ctx context.Context, ln net.Listener) error {
	if err := r.beginServe(ln); err != nil {
		return err
	}
	return r.serveLoop(ctx)
}

// ListenAndServe listens on TCP addr and calls Serve.
func (r *Router) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return r.Serve(ctx, ln)
}

// Start listens on TCP addr ("127.0.0.1:0" for tests) and serves in the
// background until Close. It returns the bound address.
func (r *Router) Start(addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	if err := r.beginServe(ln); err != nil {
		ln.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	r.mu.Lock()
	r.stop, r.served = cancel, done
	r.mu.Unlock()
	go func() { done <- r.serveLoop(ctx) }()
	return ln.Addr(), nil
}

// Close stops a server begun with Start and waits for it; nil if none.
func (r *Router) Close() error {
	r.mu.Lock()
	cancel, done := r.stop, r.served
	r.stop, r.served = nil, nil
	r.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	return <-done
}

func (r *Router) beginServe(ln net.Listener) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.serving {
		return errors.New("routeros sim: router is already serving")
	}
	r.serving, r.ln, r.addr, r.paused = true, ln, ln.Addr(), false
	r.notifyLocked()
	return nil
}

func (r *Router) serveLoop(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		r.shutdown()
	}()
	err := r.acceptLoop(ctx, &wg)
	cancel()
	wg.Wait()
	r.mu.Lock()
	r.serving, r.ln, r.paused = false, nil, false
	r.notifyLocked()
	r.mu.Unlock()
	return err
}

func (r *Router) acceptLoop(ctx context.Context, wg *sync.WaitGroup) error {
	for {
		r.mu.Lock()
		ln, paused, resume := r.ln, r.paused, r.resume
		r.mu.Unlock()
		if paused {
			select {
			case <-ctx.Done():
				return nil
			case <-resume:
				continue
			}
		}
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.mu.Lock()
			replaced := r.paused || r.ln != ln
			r.mu.Unlock()
			if replaced {
				continue // StopListening closed it on purpose
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("accept: %w", err)
		}
		r.mu.Lock()
		if ctx.Err() != nil {
			r.mu.Unlock()
			conn.Close()
			return nil
		}
		s := newSession(r, conn)
		r.sessions[s] = struct{}{}
		r.accepted++
		r.notifyLocked()
		r.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.serve()
		}()
	}
}

// shutdown closes the listener and every connection.
func (r *Router) shutdown() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln != nil {
		r.ln.Close()
	}
	for s := range r.sessions {
		s.dropped = true
		s.conn.Close()
	}
}

func (r *Router) endSession(s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sessions, s)
	s.dropped = true
	r.filterSubsLocked(func(sub *subscription) bool { return sub.sess == s })
	r.notifyLocked()
}

// filterSubsLocked ends the subscriptions drop selects and returns them in
// order.
func (r *Router) filterSubsLocked(drop func(*subscription) bool) []*subscription {
	var out []*subscription
	kept := r.subs[:0]
	for _, sub := range r.subs {
		if drop(sub) {
			out = append(out, sub)
			if !sub.stopped {
				sub.stopped = true
				if sub.stop != nil {
					close(sub.stop)
				}
			}
			continue
		}
		kept = append(kept, sub)
	}
	clear(r.subs[len(kept):])
	r.subs = kept
	return out
}

func (r *Router) removeSubLocked(target *subscription) {
	r.filterSubsLocked(func(sub *subscription) bool { return sub == target })
	r.notifyLocked()
}

func (r *Router) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// execLocked runs one command of a logged-in caller; r.mu is held.
func (r *Router) execLocked(c caller, req *request) result {
	if req.badQry {
		return req.fail(trapf("", "unknown parameter"))
	}
	switch req.cmd {
	case "/cancel":
		return r.cancel(c, req)
	case "/export":
		return req.reply(req.done())
	case "/ping":
		return r.ping(c, req)
	case "/interface/monitor-traffic":
		return r.monitorTraffic(c, req)
	case "/interface/ethernet/monitor":
		return r.ethernetMonitor(c, req)
	case "/system/reboot", "/system/shutdown", "/system/reset-configuration":
		if !c.canWrite() {
			return req.fail(trapf("", "not enough permissions (9)"))
		}
		cmd := req.cmd
		return result{sentences: [][]string{req.done()}, closeConn: true, after: func() { r.restartLocked(c.sess, cmd) }}
	}
	return r.execMenu(c, req)
}

// cancel stops the caller's listen tagged =tag= (all of them without it):
// the target's !trap interrupted, the cancel's !done, the target's !done
// (REPORT.md §1.8).
func (r *Router) cancel(c caller, req *request) result {
	if c.sess == nil {
		return req.reply(req.done())
	}
	want, byTag := req.attr("tag")
	subs := r.filterSubsLocked(func(sub *subscription) bool {
		return sub.sess == c.sess && (!byTag || sub.tag == want)
	})
	var tags []string
	seen := map[string]bool{}
	for _, sub := range subs {
		seen[sub.tag] = true
		tags = append(tags, sub.tag)
	}
	// Commands whose (delayed) reply is not out yet are still running.
	for _, t := range c.sess.q.cancel(!byTag, want, time.Now()) {
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	var out [][]string
	for _, t := range tags {
		out = append(out, tagged(t, "!trap", "=category=2", "=message=interrupted"))
	}
	out = append(out, req.done())
	for _, t := range tags {
		out = append(out, tagged(t, "!done"))
	}
	if len(subs) > 0 {
		r.notifyLocked()
	}
	return result{sentences: out}
}

// restartLocked ends every connection after a reboot, shutdown or reset;
// from is the session that asked (its reply is flushed first). A reboot
// restarts uptime, a reset also restores the profile's configuration, a
// shutdown stops listening until StartListening.
func (r *Router) restartLocked(from *session, cmd string) {
	for s := range r.sessions {
		if s != from {
			s.dropped = true
			s.conn.Close()
		}
	}
	r.filterSubsLocked(func(*subscription) bool { return true })
	switch cmd {
	case "/system/reset-configuration":
		r.st = r.freshState()
	case "/system/shutdown":
		r.stopListeningLocked()
	default:
		r.st.start = r.st.now()
	}
	r.notifyLocked()
}

// dispatchLocked settles the last command's changes and sends them to every
// listen on an affected menu: the full record, or .id and .dead=true for a
// removal (REPORT.md §1.9).
func (r *Router) dispatchLocked() {
	r.st.settle()
	changes := r.st.takeChanges()
	if len(changes) == 0 || len(r.subs) == 0 {
		return
	}
	per := map[*session][][]string{}
	var order []*session
	for _, c := range changes {
		for _, sub := range r.subs {
			if sub.job != nil || sub.menu.table != c.table || !r.st.inView(sub.menu, c.it) {
				continue
			}
			words := tagged(sub.tag, "!re")
			if c.dead {
				words = append(words, "=.id="+formatID(c.it.id), "=.dead=true")
			} else {
				for _, a := range r.st.record(sub.menu, c.it, sub.proplist) {
					words = append(words, "="+a.k+"="+a.v)
				}
			}
			if _, ok := per[sub.sess]; !ok {
				order = append(order, sub.sess)
			}
			per[sub.sess] = append(per[sub.sess], words)
		}
	}
	for _, s := range order {
		s.push(per[s], false)
	}
}

// Reply is the outcome of a command run with Exec.
type Reply struct {
	Re  []map[string]string // attributes of each !re sentence, in order
	Ret string              // =ret= of !done: the new .id of add, the count of count-only
}

// Exec runs one API command (the command word, then attribute and query
// words, as on the wire) as the full-rights API user, through the same code
// as a connection, and sends listen events for what it changed. Tests use it
// to change the router behind a client's back. A !trap is returned as
// *TrapError; listen, /cancel, /login and /quit need a connection and fail.
func (r *Router) Exec(words ...string) (*Reply, error) {
	if len(words) == 0 {
		return nil, errors.New("routeros sim: empty command")
	}
	switch words[0] {
	case "/login", "/quit":
		return nil, fmt.Errorf("routeros sim: %s needs an API connection", words[0])
	}
	req := parseRequest(words)
	req.tag = ""
	r.mu.Lock()
	res := r.execLocked(caller{group: "full"}, &req)
	if res.listen != nil {
		r.mu.Unlock()
		return nil, errors.New("routeros sim: listen needs an API connection")
	}
	r.dispatchLocked()
	if res.after != nil {
		res.after()
	}
	r.mu.Unlock()
	out := &Reply{}
	var trap *TrapError
	for _, s := range res.sentences {
		switch s[0] {
		case "!re":
			rec := make(map[string]string, len(s)-1)
			for _, w := range s[1:] {
				if k, v, ok := cutAttr(w); ok {
					rec[k] = v
				}
			}
			out.Re = append(out.Re, rec)
		case "!trap":
			if trap == nil {
				trap = &TrapError{}
			}
			for _, w := range s[1:] {
				switch k, v, _ := cutAttr(w); k {
				case "message":
					trap.Messages = append(trap.Messages, v)
				case "category":
					trap.Category = v
				}
			}
		case "!done":
			for _, w := range s[1:] {
				if k, v, ok := cutAttr(w); ok && k == "ret" {
					out.Ret = v
				}
			}
		}
	}
	if trap != nil {
		return out, trap
	}
	return out, nil
}

func cutAttr(w string) (k, v string, ok bool) {
	if len(w) < 2 || w[0] != '=' {
		return "", "", false
	}
	for i := 1; i < len(w); i++ {
		if w[i] == '=' {
			return w[1:i], w[i+1:], true
		}
	}
	return w[1:], "", true
}

// SetLink plugs (up) or unplugs a cable: the physical interface name (or
// *id) gets running=true/false when enabled, and listeners on /interface
// and its views see the change, as do dependants (VLANs, bridge ports,
// connected routes).
func (r *Router) SetLink(name string, up bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	it := r.st.interfaceByName(name)
	if it == nil || !physical(it) {
		return fmt.Errorf("routeros sim: no physical interface %q", name)
	}
	it.link = up
	recomputeInterfaces(r.st)
	r.dispatchLocked()
	return nil
}

// Status is a snapshot of the server side of a Router, for tests.
type Status struct {
	Listening bool           // accepting connections
	Accepted  int            // connections accepted since the Router was made
	Commands  int            // sentences received on all connections (incl. /login)
	Sessions  int            // open connections
	LoggedIn  int            // open connections that logged in
	Listens   map[string]int // running listens per menu path ("/ip/address"), streaming commands per command ("/ping")
}

// Status returns the current Status.
func (r *Router) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.statusLocked()
}

func (r *Router) statusLocked() Status {
	st := Status{Listening: r.serving && !r.paused, Accepted: r.accepted, Commands: r.commands,
		Sessions: len(r.sessions), Listens: map[string]int{}}
	for s := range r.sessions {
		if s.loggedIn {
			st.LoggedIn++
		}
	}
	for _, sub := range r.subs {
		st.Listens[sub.menu.path]++
	}
	return st
}

// Wait blocks until cond holds for the Status or ctx is done, so tests
// synchronise without sleeping (e.g. until a listen is running).
func (r *Router) Wait(ctx context.Context, cond func(Status) bool) error {
	for {
		r.mu.Lock()
		st, ch := r.statusLocked(), r.changed
		r.mu.Unlock()
		if cond(st) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("routeros sim: wait: %w (last status %+v)", ctx.Err(), st)
		}
	}
}

// HangLogin makes /login go unanswered while on (the connection is
// accepted and read, like a router stuck before its API answers).
func (r *Router) HangLogin(on bool) {
	r.mu.Lock()
	r.hangLogin = on
	r.mu.Unlock()
}

// SetDelay delays every reply batch (a command's reply, a listen event) by
// d from when it is ready; 0 turns it off. Commands still run in order and
// their delays overlap, like a slow router.
func (r *Router) SetDelay(d time.Duration) {
	r.mu.Lock()
	r.delay = d
	r.mu.Unlock()
}

// DropConnections closes every open connection at once, without !fatal,
// and returns how many it closed.
func (r *Router) DropConnections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for s := range r.sessions {
		if !s.dropped {
			s.dropped = true
			s.conn.Close()
			n++
		}
	}
	return n
}

// StopListening closes the listener so new connections are refused; open
// connections stay. StartListening listens on the same address again.
func (r *Router) StopListening() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.serving {
		return errors.New("routeros sim: not serving")
	}
	r.stopListeningLocked()
	return nil
}

func (r *Router) stopListeningLocked() {
	if !r.serving || r.paused {
		return
	}
	r.paused = true
	r.resume = make(chan struct{})
	r.ln.Close()
	r.notifyLocked()
}

// StartListening undoes StopListening: it listens on the same address.
func (r *Router) StartListening() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.serving {
		return errors.New("routeros sim: not serving")
	}
	if !r.paused {
		return nil
	}
	ln, err := net.Listen(r.addr.Network(), r.addr.String())
	if err != nil {
		return fmt.Errorf("listen %s: %w", r.addr, err)
	}
	r.ln, r.paused = ln, false
	close(r.resume)
	r.notifyLocked()
	return nil
}

// Addr is the address being served, nil before Serve or Start.
func (r *Router) Addr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addr
}

// Profile returns the profile the router was made from.
func (r *Router) Profile() *Profile { return r.prof }

// Print runs "<menu>/print" with optional query words and returns the
// records: a shorthand for Exec when a test reads state.
func (r *Router) Print(menu string, query ...string) ([]map[string]string, error) {
	rep, err := r.Exec(append([]string{menu + "/print"}, query...)...)
	if err != nil {
		return nil, err
	}
	return rep.Re, nil
}
