package mqtt

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// mosquitto is a Mosquitto broker run by a test on a loopback port.
type mosquitto struct {
	path, conf string
	port       int
	cmd        *exec.Cmd
	exited     chan struct{}
	out        lockedBuffer
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startMosquitto starts Mosquitto on a free loopback port with the
// configuration of the project's interop runs (set_tcp_nodelay true). It
// skips the test when no mosquitto binary is found, unless
// USPBRIDGE_INTEROP=require, in which case it fails.
func startMosquitto(t testing.TB) *mosquitto {
	t.Helper()
	path, err := exec.LookPath("mosquitto")
	if err != nil {
		path = "/usr/sbin/mosquitto"
		if _, err := os.Stat(path); err != nil {
			if os.Getenv("USPBRIDGE_INTEROP") == "require" {
				t.Fatal("USPBRIDGE_INTEROP=require but mosquitto is not installed")
			}
			t.Skip("mosquitto not installed (set USPBRIDGE_INTEROP=require to fail instead)")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	cfg := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nlog_dest stderr\nlog_type error\nlog_type warning\n", port)
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &mosquitto{path: path, conf: conf, port: port}
	m.start(t)
	t.Cleanup(m.stop)
	return m
}

func (m *mosquitto) url() string { return "mqtt://127.0.0.1:" + strconv.Itoa(m.port) }

// start runs the broker and waits until it accepts connections.
func (m *mosquitto) start(t testing.TB) {
	t.Helper()
	m.cmd = exec.Command(m.path, "-c", m.conf)
	m.cmd.Stdout, m.cmd.Stderr = &m.out, &m.out
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { _ = cmd.Wait(); close(exited) }(m.cmd, m.exited)
	deadline := time.Now().Add(waitTimeout)
	for {
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(m.port)))
		if err == nil {
			_ = c.Close()
			return
		}
		select {
		case <-m.exited:
			t.Fatalf("mosquitto exited: %s", m.out.String())
		default:
		}
		if time.Now().After(deadline) {
			m.stop()
			t.Fatalf("mosquitto does not accept connections: %s", m.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop terminates the broker and waits for it.
func (m *mosquitto) stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.exited:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
	m.cmd = nil
}

func TestMosquittoInterop(t *testing.T) {
	m := startMosquitto(t)
	url := m.url()

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

		m.stop()
		m.start(t)
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
	m := startMosquitto(t)
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
		clients[i] = newClient(t, Config{BrokerURL: m.url(), ClientID: eid, EndpointID: eid, Topic: "usp/agent/" + eid}, nopHandler, nil)
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
