package mqtt

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
)

// Endpoint IDs shaped like the bridge's (":" in client IDs and topic levels).
const (
	agentEID   = "os::48A98A-HGP09HW9PGW"
	agentTopic = "usp/agent/" + agentEID
	ctrlEID    = "self::ctrl-1"
	ctrlTopic  = "usp/controller/ctrl-1"
)

// waitTimeout bounds every wait for a condition in these tests.
const waitTimeout = 10 * time.Second

// fastRetry keeps reconnection tests short.
var fastRetry = RetryPolicy{
	ConnectRetryTime:               10 * time.Millisecond,
	ConnectRetryIntervalMultiplier: 2000,
	ConnectRetryMaxInterval:        200 * time.Millisecond,
}

func agentConfig(url string) Config {
	return Config{BrokerURL: url, ClientID: agentEID, EndpointID: agentEID, Topic: agentTopic, Retry: fastRetry}
}

func ctrlConfig(url string) Config {
	return Config{BrokerURL: url, ClientID: ctrlEID, EndpointID: ctrlEID, Topic: ctrlTopic, Retry: fastRetry}
}

func nopHandler(context.Context, Message) {}

// events records what the broker observed and lets a test wait for a
// condition on the record, without sleeping.
type events struct {
	mu      sync.Mutex
	list    []broker.Event
	changed chan struct{}
}

func newEvents() *events { return &events{changed: make(chan struct{})} }

func (e *events) observe(ev broker.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
	close(e.changed)
	e.changed = make(chan struct{})
}

// waitFor blocks until pred holds for the events so far and returns them.
func (e *events) waitFor(t *testing.T, what string, pred func([]broker.Event) bool) []broker.Event {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		e.mu.Lock()
		list := append([]broker.Event(nil), e.list...)
		changed := e.changed
		e.mu.Unlock()
		if pred(list) {
			return list
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; broker events:\n%s", what, describe(list))
		}
	}
}

func describe(list []broker.Event) string {
	var b strings.Builder
	for i, ev := range list {
		fmt.Fprintf(&b, "  %d %s %s", i, ev.Kind, ev.ClientID)
		switch ev.Kind {
		case broker.EventSubscribe:
			fmt.Fprintf(&b, " %q %x", ev.Filters, ev.ReasonCodes)
		case broker.EventPublish:
			fmt.Fprintf(&b, " %s ct=%q rt=%q", ev.Topic, ev.ContentType, ev.ResponseTopic)
		case broker.EventClosed:
			fmt.Fprintf(&b, " err=%v", ev.Err)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// kind filters events by kind and client.
func kind(list []broker.Event, k broker.EventKind, clientID string) []broker.Event {
	var out []broker.Event
	for _, ev := range list {
		if ev.Kind == k && ev.ClientID == clientID {
			out = append(out, ev)
		}
	}
	return out
}

// index returns the position of the first event matching pred, or -1.
func index(list []broker.Event, pred func(broker.Event) bool) int {
	for i, ev := range list {
		if pred(ev) {
			return i
		}
	}
	return -1
}

// startBroker starts an embedded broker on a free loopback port, closed at
// the end of the test.
func startBroker(t testing.TB, opts ...broker.Option) *broker.Broker {
	t.Helper()
	return startBrokerAt(t, "127.0.0.1:0", opts...)
}

func startBrokerAt(t testing.TB, addr string, opts ...broker.Option) *broker.Broker {
	t.Helper()
	b, err := broker.Start(context.Background(), addr, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func newClient(t testing.TB, cfg Config, h Handler, onConnect func(context.Context)) *Client {
	t.Helper()
	c, err := New(cfg, h, onConnect)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run runs c until the end of the test, then checks that Run returns nil.
func run(t testing.TB, c *Client) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Errorf("Run did not return after cancel")
		}
	})
}

// await waits until c is connected and its onConnect has returned.
func await(t testing.TB, c *Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.AwaitConnection(ctx); err != nil {
		t.Fatalf("AwaitConnection(%s): %v", c.cfg.EndpointID, err)
	}
}

// recv receives from ch or fails the test after waitTimeout.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("timed out waiting for %s", what)
	}
	panic("unreachable")
}
