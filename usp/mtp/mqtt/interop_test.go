package mqtt

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/mqtttest"
)

func TestMosquittoInterop(t *testing.T) {
	m := mqtttest.StartMosquitto(t)
	url := m.URL()

	t.Run("exchange", func(t *testing.T) { exchange(t, url, url, nil) })

	t.Run("latency", func(t *testing.T) {
		// Mosquitto runs with TCP_NODELAY; a Nagle stall on our side would
		// show as ~40 ms per round trip.
		lat := roundTrips(t, url, 200)
		if p50 := lat[len(lat)/2]; p50 > 20*time.Millisecond {
			t.Errorf("median round trip %v through mosquitto", p50)
		}
	})

	t.Run("burst", func(t *testing.T) { burst(t, url) })

	t.Run("restart", func(t *testing.T) {
		// Both roles reconnect, resubscribe and run onConnect again.
		agentUp, ctrlUp := make(chan struct{}, 4), make(chan struct{}, 4)
		got := make(chan Message, 4)
		ctrl := newClient(t, ctrlConfig(url), func(_ context.Context, m Message) { got <- m },
			func(context.Context) { ctrlUp <- struct{}{} })
		var agent *Client
		agent = newClient(t, agentConfig(url), nopHandler, func(ctx context.Context) {
			if err := agent.Publish(ctx, ctrlTopic, []byte("connect-record")); err != nil {
				t.Errorf("onConnect Publish: %v", err)
			}
			agentUp <- struct{}{}
		})
		run(t, ctrl)
		recv(t, ctrlUp, "the controller's onConnect")
		run(t, agent)
		recv(t, agentUp, "the agent's onConnect")
		if m := recv(t, got, "the Connect Record"); string(m.Record) != "connect-record" {
			t.Fatalf("received %q", m.Record)
		}

		m.Stop()
		m.Start(t)
		recv(t, agentUp, "the agent's onConnect after the restart")
		recv(t, ctrlUp, "the controller's onConnect after the restart")
		if err := agent.Publish(t.Context(), ctrlTopic, []byte("after restart")); err != nil {
			t.Fatal(err)
		}
		for m := recv(t, got, "a Record after the restart"); string(m.Record) != "after restart"; m = recv(t, got, "a Record after the restart") {
			if string(m.Record) != "connect-record" {
				t.Fatalf("received %q", m.Record)
			}
		}
		for _, c := range []*Client{agent, ctrl} {
			if s := c.Stats(); s.Connects != 2 || s.ConnectionsLost != 1 {
				t.Errorf("%s: stats %+v", c.cfg.EndpointID, s)
			}
		}
	})
}

// roundTrips runs n sequential request/response exchanges between a
// controller and an echoing agent and returns the sorted latencies.
func roundTrips(t *testing.T, url string, n int) []time.Duration {
	t.Helper()
	var agent *Client
	agent = newClient(t, agentConfig(url), func(ctx context.Context, m Message) {
		_ = agent.Publish(ctx, m.ResponseTopic, m.Record)
	}, nil)
	got := make(chan Message, 1)
	ctrl := newClient(t, ctrlConfig(url), func(_ context.Context, m Message) { got <- m }, nil)
	run(t, agent)
	run(t, ctrl)
	await(t, agent)
	await(t, ctrl)
	lat := make([]time.Duration, n)
	for i := range n {
		start := time.Now()
		if err := ctrl.Publish(t.Context(), agentTopic, []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
		if m := recv(t, got, "an echo"); string(m.Record) != strconv.Itoa(i) {
			t.Fatalf("echo %q for request %d", m.Record, i)
		}
		lat[i] = time.Since(start)
	}
	slices.Sort(lat)
	return lat
}

func TestClientFootprint(t *testing.T) {
	// Per-router cost of an idle connected Client (the broker runs in its
	// own process, so only the client side is measured).
	if testing.Short() {
		t.Skip("short")
	}
	m := mqtttest.StartMosquitto(t)
	const n = 200
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	g0 := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	clients := make([]*Client, n)
	for i := range clients {
		eid := fmt.Sprintf("os::48A98A-%06d", i)
		clients[i] = newClient(t, Config{BrokerURL: m.URL(), ClientID: eid, EndpointID: eid, Topic: "usp/agent/" + eid}, nopHandler, nil)
		wg.Go(func() { _ = clients[i].Run(ctx) })
	}
	for _, c := range clients {
		await(t, c)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	goroutines := float64(runtime.NumGoroutine()-g0) / n
	heap := float64(after.HeapInuse-before.HeapInuse) / n
	stack := float64(after.StackInuse-before.StackInuse) / n
	t.Logf("per connected Client: %.1f goroutines, %.1f KiB heap and %.1f KiB stack in use", goroutines, heap/1024, stack/1024)
	cancel()
	wg.Wait()
	if goroutines > 4.5 {
		t.Errorf("%.1f goroutines per Client", goroutines)
	}
	if heap > 64<<10 {
		t.Errorf("%.0f KiB heap per Client", heap/1024)
	}
}
