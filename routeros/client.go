// Package routeros is the bridge's RouterOS API client: dial (plain or TLS)
// with deadlines, login, concurrent tagged commands, print with .proplist and
// queries, listen streams with /cancel, typed !trap/!fatal errors, argument
// checking, and a Client that keeps one session per router up with backoff.
//
// It speaks the wire format through routeros/wire and knows nothing of
// TR-181. It imports none of the project's packages but routeros/...
// (DESIGN.md §2).
package routeros

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

const (
	defaultDialTimeout = 10 * time.Second
	defaultMinBackoff  = 1 * time.Second
	defaultMaxBackoff  = 60 * time.Second
)

// Config describes how to reach one router.
type Config struct {
	// Address is host:port of the API service (8728 plain, 8729 api-ssl).
	Address string
	// TLS enables api-ssl when non-nil.
	TLS      *tls.Config
	Username string
	Password string // never logged
	// DialTimeout bounds dial, TLS handshake and login together (default 10 s).
	DialTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait between reconnection attempts
	// (defaults 1 s and 60 s); the wait doubles per failure, with jitter.
	MinBackoff, MaxBackoff time.Duration
	Logger                 *slog.Logger
}

// Client keeps one API session to a router up: Run dials, logs in, and
// reconnects with exponential backoff when the session ends. Commands go
// through the current session; while the router is unreachable they fail at
// once with an *UnavailableError naming the router.
type Client struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	conn    *Conn
	lastErr error
	since   time.Time     // when the router was last lost
	settled chan struct{} // closed after the first connection attempt finished
	changed chan struct{} // closed and replaced on every connect/disconnect
}

// New returns a Client for cfg. It does no I/O.
func New(cfg Config) (*Client, error) {
	if cfg.Address == "" {
		return nil, errors.New("routeros: empty address")
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = defaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = defaultMaxBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = log
	return &Client{cfg: cfg, log: log.With("router", cfg.Address), settled: make(chan struct{}), changed: make(chan struct{})}, nil
}

// Address returns the router's address.
func (c *Client) Address() string { return c.cfg.Address }

// Run keeps the session up until ctx ends, then closes it and returns nil.
func (c *Client) Run(ctx context.Context) error {
	var settleOnce sync.Once
	settle := func() { settleOnce.Do(func() { close(c.settled) }) }
	defer settle()
	failures := 0
	for {
		conn, err := Dial(ctx, c.cfg)
		if ctx.Err() != nil {
			if conn != nil {
				conn.Close()
			}
			c.setConn(nil, ctx.Err())
			return nil
		}
		if err != nil {
			failures++
			wait := backoff(c.cfg.MinBackoff, c.cfg.MaxBackoff, failures)
			c.log.Warn("router unreachable", "err", err, "retry_in", wait.Round(time.Millisecond))
			c.setConn(nil, err)
			settle()
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			continue
		}
		failures = 0
		c.log.Info("router connected")
		c.setConn(conn, nil)
		settle()
		select {
		case <-ctx.Done():
			conn.Close()
			c.setConn(nil, ctx.Err())
			return nil
		case <-conn.Done():
			err := conn.Err()
			conn.Close()
			c.log.Warn("router session lost", "err", err)
			c.setConn(nil, err)
		}
	}
}

// backoff returns the wait before attempt n (n >= 1): min·2^(n-1), capped at
// max, scaled by a random factor in [0.5, 1] so a site's routers do not
// reconnect in lockstep.
func backoff(min, max time.Duration, n int) time.Duration {
	d := min
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return time.Duration(float64(d) * (0.5 + rand.Float64()/2))
}

func (c *Client) setConn(conn *Conn, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn == nil && c.conn != nil || conn == nil && c.since.IsZero() {
		c.since = time.Now()
	}
	c.conn, c.lastErr = conn, err
	close(c.changed)
	c.changed = make(chan struct{})
}

// Conn returns the current session. Before the first connection attempt has
// finished it waits for it (bounded by ctx); while the router is unreachable
// it returns an *UnavailableError at once.
func (c *Client) Conn(ctx context.Context) (*Conn, error) {
	select {
	case <-c.settled:
	case <-ctx.Done():
		return nil, &UnavailableError{Address: c.cfg.Address, Err: fmt.Errorf("still connecting: %w", ctx.Err())}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		select {
		case <-c.conn.Done():
		default:
			return c.conn, nil
		}
	}
	err := c.lastErr
	if c.conn != nil {
		err = c.conn.Err()
	}
	return nil, &UnavailableError{Address: c.cfg.Address, Since: c.since, Err: err}
}

// Changed returns a channel closed at the next connect or disconnect: a
// consumer that keeps listen streams re-establishes them when it fires.
func (c *Client) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// Connected reports whether a session is up.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn != nil
}

// Do runs cmd on the current session.
func (c *Client) Do(ctx context.Context, cmd Command) (*Reply, error) {
	conn, err := c.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return conn.Run(ctx, cmd)
}

// Print runs "<menu>/print" limited to proplist and returns its records.
func (c *Client) Print(ctx context.Context, menu string, proplist ...string) ([]Record, error) {
	r, err := c.Do(ctx, Print(menu, proplist...))
	if err != nil {
		return nil, err
	}
	return r.Records, nil
}
