// Package mqtttest runs a real Mosquitto broker for interop tests: the
// project's tests check the MQTT MTP and the whole bridge against it as well
// as against the embedded broker. It is imported only by tests.
package mqtttest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a broker may take to accept connections.
const startTimeout = 10 * time.Second

// Mosquitto is a Mosquitto broker a test runs on a loopback port.
type Mosquitto struct {
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

// StartMosquitto starts Mosquitto on a free loopback port with the
// configuration of the project's interop runs (anonymous, no persistence,
// set_tcp_nodelay true: without it each round trip costs ~40 ms). It skips the
// test when no mosquitto binary is found (PATH, then /usr/sbin), unless
// USPBRIDGE_INTEROP=require, in which case it fails. The broker stops when
// the test ends.
func StartMosquitto(t testing.TB) *Mosquitto {
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
	m := &Mosquitto{path: path, conf: conf, port: port}
	m.Start(t)
	t.Cleanup(m.Stop)
	return m
}

// URL returns the broker's mqtt:// URL.
func (m *Mosquitto) URL() string { return "mqtt://127.0.0.1:" + strconv.Itoa(m.port) }

// Start runs the broker (again, after Stop) and waits until it accepts
// connections.
func (m *Mosquitto) Start(t testing.TB) {
	t.Helper()
	m.cmd = exec.Command(m.path, "-c", m.conf)
	m.cmd.Stdout, m.cmd.Stderr = &m.out, &m.out
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { _ = cmd.Wait(); close(exited) }(m.cmd, m.exited)
	deadline := time.Now().Add(startTimeout)
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
			m.Stop()
			t.Fatalf("mosquitto does not accept connections: %s", m.out.String())
		}
		time.Sleep(10 * time.Millisecond) // polling a child process's listen socket
	}
}

// Stop terminates the broker and waits for it.
func (m *Mosquitto) Stop() {
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
