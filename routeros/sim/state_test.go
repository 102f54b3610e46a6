package sim

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func find(recs []map[string]string, k, v string) map[string]string {
	for _, r := range recs {
		if r[k] == v {
			return r
		}
	}
	return nil
}

func TestInterfaceViews(t *testing.T) {
	r := NewRouter(Builtin(BuiltinOptions{}), Options{})
	id := mustExec(t, r, "/interface/vlan/add", "=interface=ether1", "=vlan-id=300").Ret
	vlan := mustExec(t, r, "/interface/vlan/print", "?.id="+id).Re[0]
	if vlan["name"] != "vlan1" || vlan["vlan-id"] != "300" || vlan["mtu"] != "1500" {
		t.Fatalf("vlan: %v", vlan)
	}
	iface := mustExec(t, r, "/interface/print", "?.id="+id).Re[0]
	if iface["type"] != "vlan" || iface["name"] != "vlan1" || iface["running"] != "true" {
		t.Fatalf("/interface: %v", iface)
	}
	if _, ok := iface["vlan-id"]; ok {
		t.Fatalf("/interface shows a vlan property: %v", iface)
	}
	ether1 := mustExec(t, r, "/interface/ethernet/print", "?name=ether1").Re[0]
	if iface["mac-address"] != ether1["mac-address"] || ether1["orig-mac-address"] != ether1["mac-address"] {
		t.Fatalf("vlan MAC %s, ether1 %v", iface["mac-address"], ether1)
	}
	addr := mustExec(t, r, "/ip/address/add", "=address=198.51.100.2/30", "=interface=vlan1").Ret

	// Rename in /interface: the vlan view and the address follow.
	mustExec(t, r, "/interface/set", "=numbers=vlan1", "=name=wan300")
	if got := mustExec(t, r, "/interface/vlan/print", "?.id="+id).Re[0]["name"]; got != "wan300" {
		t.Fatalf("vlan view name %q", got)
	}
	a := mustExec(t, r, "/ip/address/print", "?.id="+addr).Re[0]
	if a["interface"] != "wan300" || a["actual-interface"] != "wan300" || a["network"] != "198.51.100.0" {
		t.Fatalf("address after rename: %v", a)
	}
	// The connected route exists and follows too.
	if rt := find(mustExec(t, r, "/ip/route/print").Re, "dst-address", "198.51.100.0/30"); rt == nil || rt["gateway"] != "wan300" {
		t.Fatalf("connected route: %v", rt)
	}
	// Parent down: the vlan stops running.
	if err := r.SetLink("ether1", false); err != nil {
		t.Fatal(err)
	}
	if got := mustExec(t, r, "/interface/print", "?name=wan300").Re[0]["running"]; got != "false" {
		t.Fatalf("vlan running %q with its parent down", got)
	}

	// Remove: gone from both menus, the address keeps a dangling *id.
	mustExec(t, r, "/interface/vlan/remove", "=.id="+id)
	if n := mustExec(t, r, "/interface/print", "=count-only=", "?type=vlan").Ret; n != "0" {
		t.Fatalf("vlans left: %s", n)
	}
	a = mustExec(t, r, "/ip/address/print", "?.id="+addr).Re[0]
	if a["interface"] != id || a["invalid"] != "true" {
		t.Fatalf("address after removal: %v", a)
	}
	// Ids are never reused.
	id2 := mustExec(t, r, "/interface/bridge/add", "=name=br2").Ret
	if n1, n2 := mustParseID(t, id), mustParseID(t, id2); n2 <= n1 {
		t.Fatalf("id %s after %s", id2, id)
	}
}

func mustParseID(t *testing.T, s string) uint32 {
	t.Helper()
	v, ok := parseID(s)
	if !ok {
		t.Fatalf("bad id %q", s)
	}
	return v
}

func TestSetRemoveEnable(t *testing.T) {
	r := NewRouter(Builtin(BuiltinOptions{}), Options{})
	mustExec(t, r, "/ip/firewall/nat/add", "=chain=dstnat", "=action=dst-nat", "=protocol=tcp", "=dst-port=8443",
		"=in-interface=ether1", "=to-addresses=192.168.88.20", "=to-ports=443", "=comment=NAS https")
	nat := mustExec(t, r, "/ip/firewall/nat/print").Re
	if len(nat) != 2 || nat[1]["log"] != "false" || nat[1]["bytes"] != "0" || nat[1]["in-interface"] != "ether1" {
		t.Fatalf("nat: %v", nat)
	}
	mustExec(t, r, "/ip/firewall/nat/move", "=numbers="+nat[1][".id"], "=destination="+nat[0][".id"])
	if got := mustExec(t, r, "/ip/firewall/nat/print").Re[0]["comment"]; got != "NAS https" {
		t.Fatalf("after move first is %q", got)
	}
	mustExec(t, r, "/ip/firewall/nat/disable", "=numbers="+nat[1][".id"])
	if got := mustExec(t, r, "/ip/firewall/nat/print", "?.id="+nat[1][".id"]).Re[0]["disabled"]; got != "true" {
		t.Fatalf("disabled %q", got)
	}
	mustExec(t, r, "/ip/firewall/nat/unset", "=numbers="+nat[1][".id"], "=value-name=comment")
	if _, ok := mustExec(t, r, "/ip/firewall/nat/print", "?.id="+nat[1][".id"]).Re[0]["comment"]; ok {
		t.Fatal("comment still set")
	}
	// Comma lists and names as selectors.
	mustExec(t, r, "/interface/ethernet/set", "=numbers=ether2,ether3", "=comment=lan")
	if n := mustExec(t, r, "/interface/print", "=count-only=", "?comment=lan").Ret; n != "2" {
		t.Fatalf("commented: %s", n)
	}
	// Singletons: set and get without an id; values stored literally.
	mustExec(t, r, "/system/identity/set", "=name=[:put $x]")
	if got := mustExec(t, r, "/system/identity/get", "=value-name=name").Ret; got != "[:put $x]" {
		t.Fatalf("identity %q", got)
	}
	_, err := r.Exec("/ip/address/set", "=.id=*77", "=comment=x")
	var te *TrapError
	if !errors.As(err, &te) || te.Messages[0] != "no such item (4)" {
		t.Fatalf("bad id: %v", err)
	}
	_, err = r.Exec("/system/routerboard/print")
	if err != nil {
		t.Fatalf("routerboard on a RouterBOARD: %v", err)
	}
}

func TestDynamicValues(t *testing.T) {
	clk := &fakeClock{t: time.Date(2025, 8, 1, 12, 0, 0, 0, time.UTC)}
	r := NewRouter(Builtin(BuiltinOptions{}), Options{Now: clk.now})
	read := func(name, k string) uint64 {
		v, err := strconv.ParseUint(mustExec(t, r, "/interface/print", "?name="+name).Re[0][k], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if read("ether1", "rx-byte") != 0 {
		t.Fatal("counters not zero at start")
	}
	clk.advance(time.Minute)
	rx, tx := read("ether1", "rx-byte"), read("ether1", "tx-byte")
	if rx == 0 || tx == 0 || read("ether1", "rx-packet") == 0 {
		t.Fatalf("counters did not grow: rx %d tx %d", rx, tx)
	}
	if read("ether4", "rx-byte") != 0 {
		t.Fatal("counters of a port without link grew")
	}
	if err := r.SetLink("ether1", false); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Hour)
	if got := read("ether1", "rx-byte"); got != rx {
		t.Fatalf("counter moved while down: %d -> %d", rx, got)
	}
	if got := read("ether1", "link-downs"); got != 1 {
		t.Fatalf("link-downs %d", got)
	}
	res := mustExec(t, r, "/system/resource/print").Re[0]
	if res["uptime"] != "1h1m" {
		t.Fatalf("uptime %q", res["uptime"])
	}
	load, _ := strconv.Atoi(res["cpu-load"])
	if load < 1 || load > 12 {
		t.Fatalf("cpu-load %q", res["cpu-load"])
	}
	clock := mustExec(t, r, "/system/clock/print").Re[0]
	if clock["date"] != "2025-08-01" || clock["time"] != "16:01:00" || clock["gmt-offset"] != "+03:00" {
		t.Fatalf("clock %v (Europe/Riga, summer)", clock)
	}
}

func TestVariants(t *testing.T) {
	base := Builtin(BuiltinOptions{})
	seen := map[string]bool{}
	for n := 1; n <= 5; n++ {
		p := base.Variant(n)
		key := p.Serial() + p.MACs()["ether1"] + p.Identity() + p.SoftwareID()
		if seen[p.Serial()] || seen[p.MACs()["ether1"]] || seen[p.Identity()] || seen[p.SoftwareID()] {
			t.Fatalf("variant %d repeats: %s", n, key)
		}
		seen[p.Serial()], seen[p.MACs()["ether1"]], seen[p.Identity()], seen[p.SoftwareID()] = true, true, true, true
		if n > 1 && p.Identity() != "MikroTik-"+strconv.Itoa(n) {
			t.Fatalf("identity %q", p.Identity())
		}
		if q := base.Variant(n); q.Serial() != p.Serial() || q.MACs()["ether1"] != p.MACs()["ether1"] {
			t.Fatal("variants are not deterministic")
		}
	}
	chr := Builtin(BuiltinOptions{Model: "CHR"})
	if chr.Serial() != "" || chr.SystemID() == "" || chr.Variant(2).SystemID() == chr.SystemID() {
		t.Fatalf("CHR ids: %q %q", chr.SystemID(), chr.Variant(2).SystemID())
	}
}

func TestProfileShared(t *testing.T) {
	// One profile seeds routers concurrently (go test -race checks this).
	for _, p := range []*Profile{Builtin(BuiltinOptions{}), loadFixture(t, "rb5009-7.19.4.rsc")} {
		done := make(chan string, 8)
		for i := 0; i < 8; i++ {
			go func() {
				r := NewRouter(p, Options{})
				_, _ = r.Exec("/interface/vlan/add", "=interface=ether1", "=vlan-id=7")
				done <- p.Identity() + p.MACs()["ether1"] + p.Variant(2).Serial()
			}()
		}
		first := <-done
		for i := 1; i < 8; i++ {
			if got := <-done; got != first {
				t.Fatalf("%q vs %q", got, first)
			}
		}
		if n := count(t, NewRouter(p, Options{}), "/interface/vlan", "?vlan-id=7"); n != "0" {
			t.Fatal("a router changed its profile")
		}
	}
}
