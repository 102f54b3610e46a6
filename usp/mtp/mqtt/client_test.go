package mqtt

import (
	"bytes"
	"context"
	"errors"
	"net"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
)

func TestAgentControllerExchange(t *testing.T) {
	ev := newEvents()
	b := startBroker(t, broker.WithObserver(ev.observe))

	agentGot := make(chan Message, 1)
	agentDone := make(chan error, 1)
	var agent *Client
	agent = newClient(t, agentConfig(b.URL()), func(ctx context.Context, m Message) {
		agentGot <- m
		// The Agent answers to the request's Response Topic (R-MQTT.26).
		agentDone <- agent.Publish(ctx, m.ResponseTopic, append([]byte("resp:"), m.Record...))
	}, nil)
	ctrlGot := make(chan Message, 1)
	ctrl := newClient(t, ctrlConfig(b.URL()), func(_ context.Context, m Message) { ctrlGot <- m }, nil)
	run(t, agent)
	run(t, ctrl)
	await(t, agent)
	await(t, ctrl)

	if err := ctrl.Publish(t.Context(), agentTopic, []byte("req-1")); err != nil {
		t.Fatalf("controller Publish: %v", err)
	}
	req := recv(t, agentGot, "the request at the agent")
	want := Message{Record: []byte("req-1"), Topic: agentTopic, ResponseTopic: ctrlTopic, ContentType: ContentType}
	if !equalMessage(req, want) {
		t.Errorf("agent received %+v, want %+v", req, want)
	}
	if err := recv(t, agentDone, "the agent's response"); err != nil {
		t.Errorf("agent Publish: %v", err)
	}
	resp := recv(t, ctrlGot, "the response at the controller")
	want = Message{Record: []byte("resp:req-1"), Topic: ctrlTopic, ResponseTopic: agentTopic, ContentType: ContentType}
	if !equalMessage(resp, want) {
		t.Errorf("controller received %+v, want %+v", resp, want)
	}

	list := ev.waitFor(t, "both PUBLISHes", func(l []broker.Event) bool {
		return len(kind(l, broker.EventPublish, agentEID)) == 1 && len(kind(l, broker.EventPublish, ctrlEID)) == 1
	})
	for _, eid := range []string{agentEID, ctrlEID} {
		// The Endpoint ID is the ClientId here and is sent as the
		// usp-endpoint-id CONNECT User Property (R-MQTT.13).
		connects := kind(list, broker.EventConnect, eid)
		if len(connects) != 1 {
			t.Fatalf("%s: %d CONNECTs", eid, len(connects))
		}
		if got, _ := connects[0].UserProperty(UserPropertyEndpointID); got != eid {
			t.Errorf("%s: usp-endpoint-id = %q", eid, got)
		}
		if connects[0].KeepAlive != 60 {
			t.Errorf("%s: Keep Alive = %d, want 60 (R-MQTT.14)", eid, connects[0].KeepAlive)
		}
	}
	subs := kind(list, broker.EventSubscribe, agentEID)
	if len(subs) != 1 || !slices.Equal(subs[0].Filters, []string{agentTopic}) || !bytes.Equal(subs[0].ReasonCodes, []byte{1}) {
		t.Errorf("agent subscriptions: %+v", subs)
	}
	pub := kind(list, broker.EventPublish, agentEID)[0]
	if pub.Topic != ctrlTopic || pub.ContentType != "usp.msg" || pub.ResponseTopic != agentTopic || pub.QoS != 1 {
		t.Errorf("agent PUBLISH: topic %q content type %q response topic %q QoS %d", pub.Topic, pub.ContentType, pub.ResponseTopic, pub.QoS)
	}

	if s := ctrl.Stats(); s.RecordsSent != 1 || s.RecordsReceived != 1 || s.Connects != 1 {
		t.Errorf("controller stats %+v", s)
	}
	if s := agent.Stats(); s.RecordsSent != 1 || s.RecordsReceived != 1 || s.Connects != 1 {
		t.Errorf("agent stats %+v", s)
	}
}

func equalMessage(a, b Message) bool {
	return bytes.Equal(a.Record, b.Record) && a.Topic == b.Topic && a.ResponseTopic == b.ResponseTopic && a.ContentType == b.ContentType
}

func TestOnConnectRunsAfterSubscription(t *testing.T) {
	ev := newEvents()
	b := startBroker(t, broker.WithObserver(ev.observe))
	ctrlGot := make(chan Message, 4)
	ctrl := newClient(t, ctrlConfig(b.URL()), func(_ context.Context, m Message) { ctrlGot <- m }, nil)
	run(t, ctrl)
	await(t, ctrl)

	gate := make(chan struct{})
	var onConnectDone atomic.Bool
	handled := make(chan bool, 1)
	var agent *Client
	agent = newClient(t, agentConfig(b.URL()), func(context.Context, Message) {
		handled <- onConnectDone.Load()
	}, func(ctx context.Context) {
		if !agent.Connected() {
			t.Error("onConnect: Connected() is false")
		}
		// The Agent's MQTTConnectRecord goes out here (R-MTP.6).
		if err := agent.Publish(ctx, ctrlTopic, []byte("connect-record")); err != nil {
			t.Errorf("onConnect Publish: %v", err)
		}
		<-gate
		onConnectDone.Store(true)
	})
	run(t, agent)

	got := recv(t, ctrlGot, "the Connect Record")
	if string(got.Record) != "connect-record" {
		t.Fatalf("controller received %q", got.Record)
	}
	list := ev.waitFor(t, "the agent's PUBLISH", func(l []broker.Event) bool {
		return len(kind(l, broker.EventPublish, agentEID)) > 0
	})
	sub := index(list, func(e broker.Event) bool {
		return e.Kind == broker.EventSubscribe && e.ClientID == agentEID && slices.Contains(e.Filters, agentTopic)
	})
	pub := index(list, func(e broker.Event) bool { return e.Kind == broker.EventPublish && e.ClientID == agentEID })
	if sub < 0 || sub > pub {
		t.Fatalf("the broker did not see the agent's SUBSCRIBE before its first PUBLISH:\n%s", describe(list))
	}

	// A request arriving while onConnect still runs waits for it (R-MTP.8).
	if err := ctrl.Publish(t.Context(), agentTopic, []byte("early request")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	if err := agent.AwaitConnection(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("AwaitConnection during onConnect = %v, want deadline exceeded", err)
	}
	cancel()
	close(gate)
	if !recv(t, handled, "the early request at the agent") {
		t.Error("the Handler ran before onConnect returned")
	}
	await(t, agent)
}

func TestReconnectAfterBrokerRestart(t *testing.T) {
	ev1 := newEvents()
	b1 := startBroker(t, broker.WithObserver(ev1.observe))
	addr := b1.Addr()

	onConnect := make(chan struct{}, 4)
	cfg := agentConfig(b1.URL())
	cfg.ClientID = "" // the broker assigns one (R-MQTT.8, R-MQTT.9)
	var agent *Client
	agent = newClient(t, cfg, nopHandler, func(ctx context.Context) {
		if err := agent.Publish(ctx, ctrlTopic, []byte("connect-record")); err != nil {
			t.Errorf("onConnect Publish: %v", err)
		}
		onConnect <- struct{}{}
	})
	run(t, agent)
	recv(t, onConnect, "the first onConnect")
	assigned := agent.ClientID()
	if assigned == "" {
		t.Fatal("no Assigned Client Identifier kept")
	}
	list := ev1.waitFor(t, "the first CONNECT", func(l []broker.Event) bool { return len(l) > 0 })
	if list[0].Kind != broker.EventConnect || list[0].ClientID != assigned {
		t.Fatalf("first event %+v, want a CONNECT from %q", list[0], assigned)
	}

	if err := b1.Close(); err != nil {
		t.Fatal(err)
	}
	ev2 := newEvents()
	b2 := startBrokerAt(t, addr, broker.WithObserver(ev2.observe))
	recv(t, onConnect, "onConnect after the broker restart")

	list = ev2.waitFor(t, "the agent's Connect Record", func(l []broker.Event) bool {
		return len(kind(l, broker.EventPublish, assigned)) > 0
	})
	connects := kind(list, broker.EventConnect, assigned)
	if len(connects) != 1 {
		t.Fatalf("reconnected with another ClientId (R-MQTT.11):\n%s", describe(list))
	}
	if got, _ := connects[0].UserProperty(UserPropertyEndpointID); got != agentEID {
		t.Errorf("usp-endpoint-id after reconnect = %q", got)
	}
	sub := index(list, func(e broker.Event) bool {
		return e.Kind == broker.EventSubscribe && slices.Contains(e.Filters, agentTopic)
	})
	pub := index(list, func(e broker.Event) bool { return e.Kind == broker.EventPublish })
	if sub < 0 || sub > pub {
		t.Fatalf("no resubscription before the Connect Record:\n%s", describe(list))
	}
	if s := agent.Stats(); s.Connects != 2 || s.ConnectionsLost != 1 {
		t.Errorf("stats %+v, want 2 connects and 1 lost connection", s)
	}

	// The connection works: a request gets an answer.
	ctrlGot := make(chan Message, 2)
	ctrl := newClient(t, ctrlConfig(b2.URL()), func(_ context.Context, m Message) { ctrlGot <- m }, nil)
	run(t, ctrl)
	await(t, ctrl)
	if err := agent.Publish(t.Context(), ctrlTopic, []byte("after restart")); err != nil {
		t.Fatal(err)
	}
	// mochi acknowledges a PUBLISH before routing it, so the Connect Record
	// may still reach the newly subscribed controller first.
	for m := recv(t, ctrlGot, "a Record after the restart"); string(m.Record) != "after restart"; m = recv(t, ctrlGot, "a Record after the restart") {
		if string(m.Record) != "connect-record" {
			t.Fatalf("received %q", m.Record)
		}
	}
}

func TestSubscriptionRefused(t *testing.T) {
	// R-MQTT.17: a refused subscription means no PUBLISH, a DISCONNECT and a
	// retry with back-off.
	var deny atomic.Bool
	deny.Store(true)
	ev := newEvents()
	b := startBroker(t, broker.WithObserver(ev.observe), broker.WithACL(func(clientID, topic string, write bool) bool {
		return !(deny.Load() && !write && topic == agentTopic)
	}))
	onConnect := make(chan struct{}, 1)
	var agent *Client
	agent = newClient(t, agentConfig(b.URL()), nopHandler, func(ctx context.Context) {
		if err := agent.Publish(ctx, ctrlTopic, []byte("connect-record")); err != nil {
			t.Errorf("onConnect Publish: %v", err)
		}
		onConnect <- struct{}{}
	})
	run(t, agent)

	list := ev.waitFor(t, "two refused subscriptions, each followed by DISCONNECT", func(l []broker.Event) bool {
		return len(kind(l, broker.EventDisconnect, agentEID)) >= 2
	})
	refused := 0
	for i, e := range list {
		if e.ClientID != agentEID {
			continue
		}
		switch e.Kind {
		case broker.EventSubscribe:
			if !bytes.Equal(e.ReasonCodes, []byte{0x87}) {
				t.Fatalf("SUBACK reason codes %x, want 87", e.ReasonCodes)
			}
			if next := list[i+1]; next.Kind != broker.EventDisconnect || next.ClientID != agentEID {
				t.Fatalf("refused SUBSCRIBE not followed by DISCONNECT:\n%s", describe(list))
			}
			refused++
		case broker.EventPublish:
			t.Fatalf("agent published without a subscription:\n%s", describe(list))
		}
	}
	if refused < 2 {
		t.Fatalf("%d refused subscriptions", refused)
	}
	if agent.Connected() {
		t.Error("Connected() with a refused subscription")
	}
	if err := agent.Publish(t.Context(), ctrlTopic, []byte("x")); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Publish without subscription = %v, want ErrNotConnected", err)
	}

	deny.Store(false)
	recv(t, onConnect, "onConnect once the subscription is allowed")
	if s := agent.Stats(); s.ConnectFailures < 2 || s.Connects != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestSubscribeTopicProperty(t *testing.T) {
	// R-MQTT.15: CONNACK "subscribe-topic" filters are subscribed; the own
	// topic is added only when none of them covers it.
	tests := []struct {
		name    string
		extra   []string
		filters []string
		publish string
	}{
		{"covering", []string{"usp/agent/+"}, []string{"usp/agent/+"}, agentTopic},
		{"additional", []string{"usp/broadcast"}, []string{"usp/broadcast", agentTopic}, "usp/broadcast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newEvents()
			b := startBroker(t, broker.WithObserver(ev.observe), broker.WithSubscribeTopics(func(id string) []string {
				if id == agentEID {
					return tt.extra
				}
				return nil
			}))
			got := make(chan Message, 8)
			agent := newClient(t, agentConfig(b.URL()), func(_ context.Context, m Message) { got <- m }, nil)
			ctrl := newClient(t, ctrlConfig(b.URL()), nopHandler, nil)
			run(t, agent)
			run(t, ctrl)
			await(t, agent)
			await(t, ctrl)
			list := ev.waitFor(t, "the agent's SUBSCRIBE", func(l []broker.Event) bool {
				return len(kind(l, broker.EventSubscribe, agentEID)) > 0
			})
			if f := kind(list, broker.EventSubscribe, agentEID)[0].Filters; !slices.Equal(f, tt.filters) {
				t.Errorf("SUBSCRIBE filters %q, want %q", f, tt.filters)
			}
			for _, r := range []string{"one", "two"} {
				if err := ctrl.Publish(t.Context(), tt.publish, []byte(r)); err != nil {
					t.Fatal(err)
				}
			}
			var records []string
			for range 2 {
				m := recv(t, got, "a Record")
				if m.Topic != tt.publish {
					t.Errorf("received %q on %s, want %s", m.Record, m.Topic, tt.publish)
				}
				records = append(records, string(m.Record))
			}
			slices.Sort(records)
			// Each Record once: overlapping subscriptions would deliver
			// copies, handed over before the second Record's Handler ran.
			if !slices.Equal(records, []string{"one", "two"}) || agent.Stats().RecordsReceived != 2 {
				t.Errorf("received %q, %d in all", records, agent.Stats().RecordsReceived)
			}
		})
	}
}

// rawPublish publishes with an arbitrary Content Type through a plain paho
// client.
func rawPublish(t *testing.T, addr, topic string, payload []byte, props *paho.PublishProperties) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	cli := paho.NewClient(paho.ClientConfig{Conn: nc})
	if _, err := cli.Connect(t.Context(), &paho.Connect{ClientID: "raw", CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cli.Disconnect(&paho.Disconnect{}) }()
	if _, err := cli.Publish(t.Context(), &paho.Publish{QoS: 1, Topic: topic, Payload: payload, Properties: props}); err != nil {
		t.Fatal(err)
	}
}

func TestContentTypes(t *testing.T) {
	// R-MQTT.27a: both USP Content Types are accepted; a PUBLISH without
	// Response Topic is still delivered; other Content Types are dropped.
	b := startBroker(t)
	got := make(chan Message, 8)
	agent := newClient(t, agentConfig(b.URL()), func(_ context.Context, m Message) { got <- m }, nil)
	run(t, agent)
	await(t, agent)

	rawPublish(t, b.Addr(), agentTopic, []byte("foreign"), &paho.PublishProperties{ContentType: "text/plain", ResponseTopic: ctrlTopic})
	rawPublish(t, b.Addr(), agentTopic, []byte("none"), nil)
	rawPublish(t, b.Addr(), agentTopic, []byte("legacy"), &paho.PublishProperties{ContentType: ContentTypeLegacy, ResponseTopic: ctrlTopic})
	rawPublish(t, b.Addr(), agentTopic, []byte("current"), &paho.PublishProperties{ContentType: ContentType, ResponseTopic: ctrlTopic})

	want := map[string]Message{
		"none":    {Record: []byte("none"), Topic: agentTopic},
		"legacy":  {Record: []byte("legacy"), Topic: agentTopic, ResponseTopic: ctrlTopic, ContentType: ContentTypeLegacy},
		"current": {Record: []byte("current"), Topic: agentTopic, ResponseTopic: ctrlTopic, ContentType: ContentType},
	}
	for range len(want) {
		m := recv(t, got, "a Record")
		if w, ok := want[string(m.Record)]; !ok || !equalMessage(m, w) {
			t.Errorf("received %+v, want one of %+v", m, want)
		}
		delete(want, string(m.Record))
	}
	// The foreign PUBLISH came first; it was dropped before the others were
	// handed over.
	if s := agent.Stats(); s.RecordsDropped != 1 || s.RecordsReceived != 3 {
		t.Errorf("stats %+v, want 1 dropped and 3 received", s)
	}
}

func TestBurstBeyondMaxInFlight(t *testing.T) {
	burst(t, startBroker(t).URL())
}

// burst sends many more QoS 1 Records than MaxInFlight while every Handler
// slot is busy: the excess waits (in the server when it enforces Receive
// Maximum, in TCP buffers otherwise), none is dropped, and no more than
// MaxInFlight Handler calls run at once.
func burst(t *testing.T, url string) {
	const n = 300
	gate := make(chan struct{})
	var running, peak, done atomic.Int64
	all := make(chan struct{})
	cfg := agentConfig(url)
	cfg.MaxInFlight = 2
	agent := newClient(t, cfg, func(ctx context.Context, _ Message) {
		r := running.Add(1)
		for p := peak.Load(); r > p && !peak.CompareAndSwap(p, r); p = peak.Load() {
		}
		select {
		case <-gate:
		case <-ctx.Done():
		}
		running.Add(-1)
		if done.Add(1) == n {
			close(all)
		}
	}, nil)
	ctrl := newClient(t, ctrlConfig(url), nopHandler, nil)
	run(t, agent)
	run(t, ctrl)
	await(t, agent)
	await(t, ctrl)

	for i := range n {
		if err := ctrl.Publish(t.Context(), agentTopic, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	close(gate)
	recv(t, all, "all Records handled")
	if p := peak.Load(); p > 2 {
		t.Errorf("%d concurrent Handler calls, MaxInFlight is 2", p)
	}
	if s := agent.Stats(); s.RecordsReceived != n || s.RecordsDropped != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestRunStopsPromptlyWithoutLeaks(t *testing.T) {
	before := runtime.NumGoroutine()

	ev := newEvents()
	b, err := broker.Start(t.Context(), "127.0.0.1:0", nil, broker.WithObserver(ev.observe))
	if err != nil {
		t.Fatal(err)
	}
	blocked := make(chan struct{})
	var agent *Client
	agent = newClient(t, agentConfig(b.URL()), func(ctx context.Context, m Message) {
		if string(m.Record) == "block" {
			close(blocked)
			<-ctx.Done() // a Handler still running at shutdown
			return
		}
		_ = agent.Publish(ctx, m.ResponseTopic, m.Record)
	}, nil)
	got := make(chan Message, 1)
	ctrl := newClient(t, ctrlConfig(b.URL()), func(_ context.Context, m Message) { got <- m }, nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan error, 2)
	for _, c := range []*Client{agent, ctrl} {
		go func() { results <- c.Run(ctx) }()
	}
	await(t, agent)
	await(t, ctrl)
	if err := ctrl.Publish(t.Context(), agentTopic, []byte("ping")); err != nil {
		t.Fatal(err)
	}
	recv(t, got, "the echo")
	if err := ctrl.Publish(t.Context(), agentTopic, []byte("block")); err != nil {
		t.Fatal(err)
	}
	recv(t, blocked, "the blocking Handler")

	start := time.Now()
	cancel()
	for range 2 {
		if err := recv(t, results, "Run to return"); err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v to return after cancel", d)
	}
	if err := agent.AwaitConnection(t.Context()); !errors.Is(err, ErrStopped) {
		t.Errorf("AwaitConnection after Run = %v, want ErrStopped", err)
	}
	if err := agent.Publish(t.Context(), ctrlTopic, nil); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Publish after Run = %v, want ErrNotConnected", err)
	}
	// Both clients sent DISCONNECT (R-MQTT.35).
	ev.waitFor(t, "DISCONNECT from both clients", func(l []broker.Event) bool {
		return len(kind(l, broker.EventDisconnect, agentEID)) == 1 && len(kind(l, broker.EventDisconnect, ctrlEID)) == 1
	})
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, before)
}

// waitGoroutines waits until the goroutine count is back to at most n. Some
// of paho's error callbacks finish shortly after the connection has ended,
// so the count is polled until a deadline.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines, %d before the test:\n%s", runtime.NumGoroutine(), n, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRetryWaitsFollowPolicy(t *testing.T) {
	// R-MQTT.10/R-MQTT.33: the n-th wait after a failure is drawn from the
	// n-th window, and the count restarts after a successful connection. The
	// Client's sleep is replaced by a channel, so the test sees each wait the
	// Client asks for and releases it when ready.
	b := startBroker(t)
	addr := b.Addr()
	policy := RetryPolicy{ConnectRetryTime: time.Second, ConnectRetryIntervalMultiplier: 3000, ConnectRetryMaxInterval: time.Minute}
	cfg := agentConfig(b.URL())
	cfg.Retry = policy
	onConnect := make(chan struct{}, 1)
	c := newClient(t, cfg, nopHandler, func(context.Context) { onConnect <- struct{}{} })
	const u = 0.25
	c.random = func() float64 { return u }
	waits := make(chan time.Duration)
	proceed := make(chan struct{})
	c.wait = func(ctx context.Context, d time.Duration) bool {
		select {
		case waits <- d:
		case <-ctx.Done():
			return false
		}
		select {
		case <-proceed:
			return true
		case <-ctx.Done():
			return false
		}
	}
	run(t, c)
	recv(t, onConnect, "the first connection") // the first attempt does not wait

	for round := range 2 {
		_ = b.Close() // connection lost: retry 1; three failed attempts: retries 2 to 4
		for n := 1; n <= 4; n++ {
			if got, want := recv(t, waits, "a retry wait"), policy.Delay(n, u); got != want {
				lo, hi := policy.Window(n)
				t.Errorf("round %d: wait before retry %d = %v, want %v (window [%v, %v])", round, n, got, want, lo, hi)
			}
			if n == 4 {
				b = startBrokerAt(t, addr)
			}
			proceed <- struct{}{}
		}
		recv(t, onConnect, "the reconnection")
	}
	if s := c.Stats(); s.Connects != 3 || s.ConnectionsLost != 2 || s.ConnectFailures != 6 {
		t.Errorf("stats %+v, want 3 connects, 2 lost, 6 failures", s)
	}
}
