package sim

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

func TestPing(t *testing.T) {
	r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	rep := mustExec(t, r, "/ping", "=address=10.155.101.1", "=count=3")
	if len(rep.Re) != 3 {
		t.Fatalf("%d replies", len(rep.Re))
	}
	last := rep.Re[2]
	checkValues(t, "ping", last, map[string]string{"seq": "2", "host": "10.155.101.1", "sent": "3", "received": "3",
		"packet-loss": "0", "size": "56", "ttl": "64"})
	for _, k := range []string{"time", "min-rtt", "avg-rtt", "max-rtt"} {
		if last[k] == "" {
			t.Errorf("no %s in %v", k, last)
		}
	}
	lost := mustExec(t, r, "/ping", "=address=192.0.2.1", "=count=2").Re[1]
	checkValues(t, "lost", lost, map[string]string{"status": "timeout", "sent": "2", "received": "0", "packet-loss": "100"})

	c := dialRaw(t, addr)
	c.login("admin", "")
	got := c.call("/ping", "=address=10.0.0.1", "=count=3", "=interval=10ms", ".tag=p")
	if len(got) != 4 || got[2][0] != "!re" || attrs(got[2])["seq"] != "2" || !reflect.DeepEqual(got[3], []string{"!done", ".tag=p"}) {
		t.Fatalf("ping with count:\n%s", sentences(got))
	}

	// Without =count= it runs until /cancel.
	c.send("/ping", "=address=10.0.0.1", "=interval=10ms", ".tag=q")
	if s := c.read(); s[0] != "!re" || s[1] != ".tag=q" {
		t.Fatalf("first round %q", s)
	}
	if err := r.Wait(testCtx(t), func(s Status) bool { return s.Listens["/ping"] == 1 }); err != nil {
		t.Fatal(err)
	}
	c.send("/cancel", "=tag=q", ".tag=c")
	var tail [][]string
	for {
		s := c.read()
		if s[0] == "!re" && len(tail) == 0 {
			continue // rounds sent before the cancel arrived
		}
		tail = append(tail, s)
		if len(tail) == 3 {
			break
		}
	}
	want := [][]string{{"!trap", ".tag=q", "=category=2", "=message=interrupted"}, {"!done", ".tag=c"}, {"!done", ".tag=q"}}
	if !reflect.DeepEqual(tail, want) {
		t.Fatalf("cancel:\n%s", sentences(tail))
	}
	if _, err := r.Exec("/ping", "=address=10.0.0.1"); err == nil {
		t.Fatal("endless ping through Exec")
	}
}

func TestMonitors(t *testing.T) {
	r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	rep := mustExec(t, r, "/interface/monitor-traffic", "=interface=ether1,ether4", "=once=")
	if len(rep.Re) != 2 {
		t.Fatalf("%d records", len(rep.Re))
	}
	if bits, _ := strconv.Atoi(rep.Re[0]["rx-bits-per-second"]); bits == 0 || rep.Re[0]["name"] != "ether1" {
		t.Fatalf("ether1 traffic %v", rep.Re[0])
	}
	if rep.Re[1]["rx-bits-per-second"] != "0" {
		t.Fatalf("traffic without link %v", rep.Re[1])
	}
	checkValues(t, "ether1", mustExec(t, r, "/interface/ethernet/monitor", "=numbers=ether1", "=once=").Re[0], map[string]string{
		"name": "ether1", "status": "link-ok", "rate": "1Gbps", "full-duplex": "true", "auto-negotiation": "done"})
	noLink := mustExec(t, r, "/interface/ethernet/monitor", "=numbers=ether4", "=once=").Re[0]
	if _, ok := noLink["rate"]; ok || noLink["status"] != "no-link" {
		t.Fatalf("ether4 %v", noLink)
	}
	if _, err := r.Exec("/interface/ethernet/monitor", "=numbers=bridge", "=once="); err == nil {
		t.Fatal("ethernet monitor of a bridge")
	}

	c := dialRaw(t, addr)
	c.login("admin", "")
	c.send("/interface/monitor-traffic", "=interface=ether1", "=interval=20ms", ".tag=m")
	for i := 0; i < 2; i++ {
		if s := c.read(); s[0] != "!re" || attrs(s)["name"] != "ether1" {
			t.Fatalf("round %d: %q", i, s)
		}
	}
	// The streaming command ends with the connection; Close checks that
	// its goroutine is gone.
}

func TestDurations(t *testing.T) {
	for in, want := range map[string]time.Duration{"1s": time.Second, "200ms": 200 * time.Millisecond, "1m30s": 90 * time.Second,
		"1w2d": 9 * 24 * time.Hour, "00:01:05": 65 * time.Second, "2": 2 * time.Second, "0.5": 500 * time.Millisecond} {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("%q: %v %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "x", "1y", "s"} {
		if _, ok := parseDuration(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	for d, want := range map[time.Duration]string{453 * time.Microsecond: "453us", 12 * time.Millisecond: "12ms",
		10*time.Millisecond + 482*time.Microsecond: "10ms482us"} {
		if got := formatRTT(d); got != want {
			t.Errorf("%v: %q", d, got)
		}
	}
}
