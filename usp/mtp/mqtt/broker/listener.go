package broker

import (
	"log/slog"
	"net"
	"sync"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// listener is a mochi listener over an already bound net.Listener. Unlike
// mochi's own TCP listener it tracks every accepted connection, so Close can
// end connections that are still in their CONNECT handshake (mochi only knows
// registered clients) and wait for every connection goroutine. That wait also
// guarantees that mochi's client WaitGroup is never incremented concurrently
// with its Wait.
type listener struct {
	id         string
	nl         net.Listener
	log        *slog.Logger
	disconnect func() // sends DISCONNECT 0x8B to the registered clients

	acceptDone chan struct{} // closed when Serve's accept loop has returned
	stopOnce   sync.Once

	mu    sync.Mutex
	conns map[net.Conn]struct{} // accepted, not yet finished
	wg    sync.WaitGroup        // one per connection goroutine
}

var _ listeners.Listener = (*listener)(nil)

func newListener(id string, nl net.Listener, log *slog.Logger, disconnect func()) *listener {
	return &listener{
		id:         id,
		nl:         nl,
		log:        log,
		disconnect: disconnect,
		acceptDone: make(chan struct{}),
		conns:      make(map[net.Conn]struct{}),
	}
}

// Init is a no-op: the socket is bound before the listener is added, so that
// Start can report bind errors and the real port.
func (l *listener) Init(*slog.Logger) error { return nil }

// ID returns the listener's ID.
func (l *listener) ID() string { return l.id }

// Address returns the bound address.
func (l *listener) Address() string { return l.nl.Addr().String() }

// Protocol returns "tcp".
func (l *listener) Protocol() string { return "tcp" }

// Serve accepts connections until the listener is closed and hands each to
// mochi on its own goroutine.
func (l *listener) Serve(establish listeners.EstablishFn) {
	defer close(l.acceptDone)
	for {
		c, err := l.nl.Accept()
		if err != nil {
			return
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true) // Go's default; USP round trips depend on it
		}
		l.mu.Lock()
		if l.conns == nil { // closing
			l.mu.Unlock()
			_ = c.Close()
			continue
		}
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go func() {
			defer l.wg.Done()
			if err := establish(l.id, c); err != nil {
				l.log.Debug("client connection ended", "remote", c.RemoteAddr().String(), "err", err)
			}
			_ = c.Close()
			l.mu.Lock()
			delete(l.conns, c)
			l.mu.Unlock()
		}()
	}
}

// stopAccepting closes the socket and waits for the accept loop to return.
func (l *listener) stopAccepting() {
	l.stopOnce.Do(func() {
		_ = l.nl.Close()
		<-l.acceptDone
	})
}

// Close is called by mochi's Server.Close: it stops accepting, disconnects
// the registered clients (DISCONNECT 0x8B), closes whatever is left and waits
// for every connection goroutine.
//
// mochi's own callback is not used: it lists clients with
// Clients.GetByListener, which takes the clients' read lock twice and
// deadlocks when a client disconnecting at the same moment queues for the
// write lock in between.
func (l *listener) Close(listeners.CloseFn) {
	l.stopAccepting()
	l.disconnect()
	l.mu.Lock()
	for c := range l.conns {
		_ = c.Close()
	}
	l.conns = nil
	l.mu.Unlock()
	l.wg.Wait()
}
