package routeros

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/routeros/sim"
)

// startSim runs a simulated router (built-in profile) on loopback.
func startSim(t *testing.T) (*sim.Router, Config) {
	t.Helper()
	r := sim.NewRouter(sim.Builtin(sim.BuiltinOptions{}), sim.Options{Username: "api", Password: "pw"})
	addr, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, Config{Address: addr.String(), Username: "api", Password: "pw", DialTimeout: 5 * time.Second}
}

func dial(t *testing.T, cfg Config) *Conn {
	t.Helper()
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// checkNoLeaks fails when goroutines started by the test outlive it.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			runtime.Gosched()
			time.Sleep(10 * time.Millisecond) // polling for exit; not synchronisation of test steps
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines leaked:\n%s", n-before, buf[:runtime.Stack(buf, true)])
		}
	})
}

func TestPrintProplistAndQuery(t *testing.T) {
	_, cfg := startSim(t)
	c := dial(t, cfg)
	ctx := context.Background()

	r, err := c.Run(ctx, Print("/system/identity"))
	if err != nil || len(r.Records) != 1 || r.Records[0]["name"] != "MikroTik" {
		t.Fatalf("identity: %+v, %v", r, err)
	}
	r, err = c.Run(ctx, Command{Path: "/interface/print", Proplist: []string{"name", "type"}, Where: []Cond{{Name: "type", Value: "ether"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Records) < 2 {
		t.Fatalf("%d ethernet interfaces", len(r.Records))
	}
	for _, rec := range r.Records {
		if rec["type"] != "ether" || len(rec) != 2 {
			t.Fatalf("record %v: want only name and type of ether interfaces", rec)
		}
	}
	// OR of two conditions with "?#|".
	r, err = c.Run(ctx, Command{Path: "/interface/print", Proplist: []string{"type"}, Where: []Cond{{Name: "type", Value: "ether"}, {Name: "type", Value: "bridge"}}, Ops: "|"})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, rec := range r.Records {
		types[rec["type"]] = true
	}
	if !types["ether"] || !types["bridge"] || len(types) != 2 {
		t.Fatalf("types %v, want ether and bridge", types)
	}
}

func TestAddReturnsIDAndValuesStayLiteral(t *testing.T) {
	_, cfg := startSim(t)
	c := dial(t, cfg)
	ctx := context.Background()
	hostile := "=comment=x\n/system/reboot ?name= .tag=9 [/system reset-configuration]"
	r, err := c.Run(ctx, Command{Path: "/ip/address/add", Args: []Arg{{"address", "10.9.9.1/24"}, {"interface", "bridge"}, {"comment", hostile}}})
	if err != nil {
		t.Fatal(err)
	}
	id := r.Done["ret"]
	if !strings.HasPrefix(id, "*") {
		t.Fatalf("add returned %v", r.Done)
	}
	got, err := c.Run(ctx, Command{Path: "/ip/address/print", Where: []Cond{{Name: ".id", Value: id}}})
	if err != nil || len(got.Records) != 1 || got.Records[0]["comment"] != hostile {
		t.Fatalf("stored comment: %+v, %v", got, err)
	}
}

func TestCommandValidation(t *testing.T) {
	_, cfg := startSim(t)
	c := dial(t, cfg)
	bad := []Command{
		{Path: "ip/address/print"},
		{Path: "/ip/address/print\n/system/reboot"},
		{Path: "/ip//address"},
		{Path: "/ip/address/set", Args: []Arg{{"comment=x", "y"}}},
		{Path: "/ip/address/set", Args: []Arg{{"comment", "a\x00b"}}},
		{Path: "/ip/address/set", Args: []Arg{{"comment", "\xff\xfe"}}},
		{Path: "/ip/address/print", Proplist: []string{"name,address"}},
		{Path: "/ip/address/print", Where: []Cond{{Name: "?#", Value: "x"}}},
		{Path: "/ip/address/print", Ops: "|?=x"},
	}
	for _, cmd := range bad {
		if _, err := c.Run(context.Background(), cmd); err == nil {
			t.Errorf("%q %+v accepted", cmd.Path, cmd)
		}
	}
	// The connection is still fine.
	if _, err := c.Run(context.Background(), Print("/system/identity")); err != nil {
		t.Fatal(err)
	}
}

func TestTraps(t *testing.T) {
	_, cfg := startSim(t)
	c := dial(t, cfg)
	_, err := c.Run(context.Background(), Print("/no/such/menu"))
	var trap *TrapError
	if !errors.As(err, &trap) || !trap.NoSuchCommand() || len(trap.Messages) != 2 {
		t.Fatalf("unknown menu: %#v", err)
	}
	_, err = c.Run(context.Background(), Command{Path: "/ip/address/remove", Args: []Arg{{".id", "*FFFF"}}})
	if !errors.As(err, &trap) || trap.Messages[0] != "no such item (4)" {
		t.Fatalf("bad id: %v", err)
	}
}

func TestLoginRefused(t *testing.T) {
	_, cfg := startSim(t)
	cfg.Password = "wrong"
	_, err := Dial(context.Background(), cfg)
	var le *LoginError
	if !errors.As(err, &le) || !strings.Contains(le.Message, "invalid user name or password") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("error text contains the password: %v", err)
	}
}

// A router that accepts TCP but never answers /login must not hang Dial
// (go-routeros v3.0.1 defect 1, REPORT.md §2.4).
func TestDialDeadlineOnHungLogin(t *testing.T) {
	checkNoLeaks(t)
	r, cfg := startSim(t)
	r.HangLogin(true)
	cfg.DialTimeout = 200 * time.Millisecond
	_, err := Dial(context.Background(), cfg)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	// A cancelled context also ends it.
	ctx, cancel := context.WithCancel(context.Background())
	cfg.DialTimeout = time.Minute
	done := make(chan error, 1)
	go func() { _, err := Dial(ctx, cfg); done <- err }()
	if err := r.Wait(context.Background(), func(s sim.Status) bool { return s.Sessions > 0 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
}

func TestConcurrentCommands(t *testing.T) {
	_, cfg := startSim(t)
	c := dial(t, cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			menu := []string{"/interface", "/ip/address", "/system/resource", "/interface/ethernet"}[i%4]
			r, err := c.Run(context.Background(), Print(menu))
			if err == nil && len(r.Records) == 0 {
				err = fmt.Errorf("%s: no records", menu)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Cancelling one command (its context) must leave the connection and other
// commands alone (go-routeros v3.0.1 defect 3).
func TestContextCancelKeepsConnection(t *testing.T) {
	r, cfg := startSim(t)
	c := dial(t, cfg)
	// The simulator keeps replies in order, so the delayed reply also holds
	// back the next command's; keep it short.
	r.SetDelay(300 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.Run(ctx, Print("/interface")); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	r.SetDelay(0)
	if _, err := c.Run(context.Background(), Print("/system/identity")); err != nil {
		t.Fatalf("connection unusable after a cancelled command: %v", err)
	}
}

// Two listens on one connection; cancelling one leaves the other and plain
// commands working (go-routeros v3.0.1 defects 3, 5, 6).
func TestListenCancelOneOfTwo(t *testing.T) {
	checkNoLeaks(t)
	r, cfg := startSim(t)
	c := dial(t, cfg)
	ctx := context.Background()
	addrs, err := c.Listen(Command{Path: "/ip/address/listen"}, 16)
	if err != nil {
		t.Fatal(err)
	}
	ident, err := c.Listen(Command{Path: "/system/identity/listen"}, 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(ctx, func(s sim.Status) bool { return s.Listens["/ip/address"] == 1 && s.Listens["/system/identity"] == 1 }); err != nil {
		t.Fatal(err)
	}
	rep, err := r.Exec("/ip/address/add", "=address=10.77.0.1/24", "=interface=bridge")
	if err != nil {
		t.Fatal(err)
	}
	rec := <-addrs.C()
	if rec[".id"] != rep.Ret || rec["address"] != "10.77.0.1/24" {
		t.Fatalf("listen record %v, want the new address %s", rec, rep.Ret)
	}
	if _, err := r.Exec("/ip/address/remove", "=.id="+rep.Ret); err != nil {
		t.Fatal(err)
	}
	if rec := <-addrs.C(); rec[".id"] != rep.Ret || rec[".dead"] != "true" {
		t.Fatalf("removal record %v", rec)
	}

	if err := addrs.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if _, open := <-addrs.C(); open || addrs.Err() != nil {
		t.Fatalf("cancelled stream: open=%v err=%v", open, addrs.Err())
	}
	if _, err := r.Exec("/system/identity/set", "=name=edge-1"); err != nil {
		t.Fatal(err)
	}
	if rec := <-ident.C(); rec["name"] != "edge-1" {
		t.Fatalf("identity listen got %v", rec)
	}
	if _, err := c.Run(ctx, Print("/system/identity")); err != nil {
		t.Fatal(err)
	}
	if err := ident.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(ctx, func(s sim.Status) bool {
		return len(s.Listens) == 0 || s.Listens["/system/identity"] == 0 && s.Listens["/ip/address"] == 0
	}); err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// A consumer that stops reading ends its own stream, not the connection.
func TestListenOverflow(t *testing.T) {
	r, cfg := startSim(t)
	c := dial(t, cfg)
	ctx := context.Background()
	st, err := c.Listen(Command{Path: "/system/identity/listen"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(ctx, func(s sim.Status) bool { return s.Listens["/system/identity"] == 1 }); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if _, err := r.Exec("/system/identity/set", fmt.Sprintf("=name=n%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// The events were sent before this command's reply, so once it returns
	// the reader has dispatched all of them while nobody consumed.
	if _, err := c.Run(ctx, Print("/system/identity")); err != nil {
		t.Fatalf("connection hurt by an overflowing stream: %v", err)
	}
	n := 0
	for range st.C() {
		n++
	}
	if !errors.Is(st.Err(), ErrStreamOverflow) || n != 1 {
		t.Fatalf("stream err = %v after %d records; want overflow after 1", st.Err(), n)
	}
}

func TestConnEndsOnDrop(t *testing.T) {
	r, cfg := startSim(t)
	c := dial(t, cfg)
	st, err := c.Listen(Command{Path: "/ip/address/listen"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	r.DropConnections()
	<-c.Done()
	for range st.C() {
	}
	if st.Err() == nil || !errors.Is(c.Err(), ErrClosed) {
		t.Fatalf("stream err %v, conn err %v", st.Err(), c.Err())
	}
	if _, err := c.Run(context.Background(), Print("/system/identity")); !errors.Is(err, ErrClosed) {
		t.Fatalf("command on a dead connection: %v", err)
	}
}

// The Client reconnects after a drop, reports the router unreachable (by
// address) while it is down, and recovers by itself when it returns.
func TestClientReconnects(t *testing.T) {
	checkNoLeaks(t)
	r, cfg := startSim(t)
	cfg.MinBackoff, cfg.MaxBackoff = 10*time.Millisecond, 50*time.Millisecond
	cl, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	if _, err := cl.Print(ctx, "/system/identity"); err != nil {
		t.Fatal(err)
	}

	changed := cl.Changed()
	r.DropConnections()
	<-changed // lost
	waitConnected(t, cl)
	if _, err := cl.Print(ctx, "/system/identity"); err != nil {
		t.Fatalf("after reconnect: %v", err)
	}

	if err := r.StopListening(); err != nil {
		t.Fatal(err)
	}
	changed = cl.Changed()
	r.DropConnections()
	<-changed
	_, err = cl.Print(ctx, "/system/identity")
	var un *UnavailableError
	if !errors.As(err, &un) || !strings.Contains(err.Error(), cfg.Address) {
		t.Fatalf("while down: %v", err)
	}
	if err := r.StartListening(); err != nil {
		t.Fatal(err)
	}
	waitConnected(t, cl)
	if _, err := cl.Print(ctx, "/system/identity"); err != nil {
		t.Fatalf("after the router came back: %v", err)
	}
}

func waitConnected(t *testing.T, cl *Client) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !cl.Connected() {
		select {
		case <-cl.Changed():
		case <-timeout:
			t.Fatal("client did not reconnect")
		}
	}
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	for n := 1; n <= 12; n++ {
		d := backoff(time.Second, time.Minute, n)
		hi := time.Second << (n - 1)
		if hi > time.Minute {
			hi = time.Minute
		}
		if d < hi/2 || d > hi {
			t.Errorf("attempt %d: %v outside [%v, %v]", n, d, hi/2, hi)
		}
	}
}
