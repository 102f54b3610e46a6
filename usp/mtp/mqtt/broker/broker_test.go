package broker_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/uspbridge/uspbridge/usp/mtp/mqtt"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
)

const waitTimeout = 10 * time.Second

func TestStartReportsAddress(t *testing.T) {
	b, err := broker.Start(t.Context(), "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	host, port, err := net.SplitHostPort(b.Addr())
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("Addr() = %q", b.Addr())
	}
	if b.URL() != "mqtt://"+b.Addr() {
		t.Errorf("URL() = %q", b.URL())
	}
	// It listens when Start returns.
	c, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	// The address is taken.
	if b2, err := broker.Start(t.Context(), b.Addr(), nil); err == nil {
		_ = b2.Close()
		t.Error("second broker on the same address started")
	}
}

// connectRaw connects a plain paho client and reports the reason code of a
// server DISCONNECT on the returned channel.
func connectRaw(t *testing.T, addr, clientID string) (*paho.Client, <-chan byte) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	disconnected := make(chan byte, 1)
	cli := paho.NewClient(paho.ClientConfig{
		Conn:               nc,
		OnServerDisconnect: func(d *paho.Disconnect) { disconnected <- d.ReasonCode },
	})
	if _, err := cli.Connect(t.Context(), &paho.Connect{ClientID: clientID, CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatal(err)
	}
	return cli, disconnected
}

func TestCloseDisconnectsAndLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	b, err := broker.Start(t.Context(), "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []<-chan byte
	var clients []*paho.Client
	for _, id := range []string{"os::48A98A-A", "os::48A98A-B", "self::ctrl-1"} {
		cli, r := connectRaw(t, b.Addr(), id)
		clients = append(clients, cli)
		reasons = append(reasons, r)
	}
	// A connection still in its handshake: TCP only, no CONNECT.
	idle, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	closed := make(chan struct{})
	go func() { _ = b.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(waitTimeout):
		t.Fatal("Close did not return")
	}
	for i, r := range reasons {
		select {
		case code := <-r:
			if code != 0x8B {
				t.Errorf("client %d: DISCONNECT reason 0x%02x, want 0x8B (server shutting down)", i, code)
			}
		case <-time.After(waitTimeout):
			t.Errorf("client %d: no DISCONNECT", i)
		}
		<-clients[i].Done()
	}
	if err := b.Close(); err != nil { // idempotent
		t.Error(err)
	}
	if _, err := idle.Read(make([]byte, 1)); err == nil {
		t.Error("the handshaking connection is still open")
	}
	_ = idle.Close()
	if c, err := net.Dial("tcp", b.Addr()); err == nil {
		_ = c.Close()
		t.Error("still listening after Close")
	}
	waitGoroutines(t, before)
}

func TestContextEndsBroker(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	b, err := broker.Start(ctx, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	_ = b.Close() // waits for the ctx-triggered Close
	if c, err := net.Dial("tcp", b.Addr()); err == nil {
		_ = c.Close()
		t.Error("still listening after ctx is done")
	}
}

func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEndpointIDsAsClientIDsAndTopics(t *testing.T) {
	// R-MQTT.47: Endpoint ID characters ("-", ".", "_", "%", ":") and at
	// least 64 characters, as ClientId and as a topic level.
	ids := []string{
		"os::48A98A-HGP09HW9PGW",
		"proto::obuspa.agent_1%2F",
		"oui:00256D:" + strings.Repeat("serial-0123456789.", 5),
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	b, err := broker.Start(t.Context(), "127.0.0.1:0", nil, broker.WithObserver(func(e broker.Event) {
		if e.Kind == broker.EventConnect {
			mu.Lock()
			seen[e.ClientID] = true
			mu.Unlock()
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	got := make(chan mqtt.Message, len(ids))
	var sender *mqtt.Client
	for _, id := range ids {
		c, err := mqtt.New(mqtt.Config{BrokerURL: b.URL(), ClientID: id, EndpointID: id, Topic: "usp/agent/" + id},
			func(_ context.Context, m mqtt.Message) { got <- m }, nil)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { _ = c.Run(ctx) })
		actx, acancel := context.WithTimeout(ctx, waitTimeout)
		if err := c.AwaitConnection(actx); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		acancel()
		sender = c
	}
	for _, id := range ids {
		if err := sender.Publish(ctx, "usp/agent/"+id, []byte(id)); err != nil {
			t.Fatal(err)
		}
	}
	for range ids {
		select {
		case m := <-got:
			if m.Topic != "usp/agent/"+string(m.Record) {
				t.Errorf("Record %q on topic %q", m.Record, m.Topic)
			}
		case <-time.After(waitTimeout):
			t.Fatal("a Record was not delivered")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("ClientId %q not seen as such", id)
		}
	}
}

func TestPublishACL(t *testing.T) {
	b, err := broker.Start(t.Context(), "127.0.0.1:0", nil, broker.WithACL(func(clientID, topic string, write bool) bool {
		return !write || topic != "usp/controller/forbidden"
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c, err := mqtt.New(mqtt.Config{BrokerURL: b.URL(), ClientID: "a", EndpointID: "a", Topic: "usp/agent/a"}, func(context.Context, mqtt.Message) {}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	actx, acancel := context.WithTimeout(ctx, waitTimeout)
	defer acancel()
	if err := c.AwaitConnection(actx); err != nil {
		t.Fatal(err)
	}
	if err := c.Publish(ctx, "usp/controller/forbidden", []byte("x")); err == nil {
		t.Error("Publish to a forbidden topic succeeded")
	}
	if err := c.Publish(ctx, "usp/controller/allowed", []byte("x")); err != nil {
		t.Errorf("Publish to an allowed topic: %v", err)
	}
}

// records is a slog.Handler that keeps what it is given.
type records struct {
	level slog.Level
	mu    sync.Mutex
	list  []slog.Record
}

func (r *records) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func TestLoggingIsQuiet(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		h := &records{level: level}
		b, err := broker.Start(t.Context(), "127.0.0.1:0", slog.New(h))
		if err != nil {
			t.Fatal(err)
		}
		cli, _ := connectRaw(t, b.Addr(), "os::48A98A-A")
		_ = cli.Disconnect(&paho.Disconnect{})
		<-cli.Done()
		plain, err := net.Dial("tcp", b.Addr()) // a connection that never sends CONNECT
		if err != nil {
			t.Fatal(err)
		}
		_ = plain.Close()
		_ = b.Close()

		h.mu.Lock()
		var buf bytes.Buffer
		for _, r := range h.list {
			if r.Message == "" {
				t.Errorf("record without message at %v", r.Level)
			}
			if r.Level >= slog.LevelInfo {
				buf.WriteString(r.Level.String() + " " + r.Message)
				r.Attrs(func(a slog.Attr) bool { buf.WriteString(" " + a.String()); return true })
				buf.WriteString("\n")
			}
		}
		n := len(h.list)
		h.mu.Unlock()
		if buf.Len() > 0 {
			t.Errorf("records at Info or above for an ordinary session:\n%s", buf.String())
		}
		if level == slog.LevelDebug && n == 0 {
			t.Error("no Debug records at all")
		}
	}
}

func TestEventKindString(t *testing.T) {
	for k, want := range map[broker.EventKind]string{
		broker.EventConnect: "connect", broker.EventSubscribe: "subscribe", broker.EventPublish: "publish",
		broker.EventDisconnect: "disconnect", broker.EventClosed: "closed", 0: "EventKind(0)",
	} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", k, got, want)
		}
	}
	if _, ok := (broker.Event{}).UserProperty("x"); ok {
		t.Error("UserProperty on an empty event")
	}
	e := broker.Event{UserProperties: []broker.UserProperty{{Key: "usp-endpoint-id", Value: "os::1"}}}
	if v, ok := e.UserProperty("usp-endpoint-id"); !ok || v != "os::1" {
		t.Errorf("UserProperty = %q, %v", v, ok)
	}
}
