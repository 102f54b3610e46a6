package bridge

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/bridge/store"
	"github.com/uspbridge/uspbridge/routeros"
	"github.com/uspbridge/uspbridge/routeros/sim"
)

// rig is a device model over a simulated router, with a real state store.
type rig struct {
	router *sim.Router
	dev    *Device
	db     *store.DB
	dir    string
	cfg    routeros.Config
	stopFn func()
}

func newRig(t *testing.T, p *sim.Profile) *rig {
	t.Helper()
	r := sim.NewRouter(p, sim.Options{Username: "api", Password: "pw"})
	addr, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	rg := &rig{router: r, dir: t.TempDir(), cfg: routeros.Config{Address: addr.String(), Username: "api", Password: "pw", MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}}
	rg.start(t)
	return rg
}

// start opens the store and runs a fresh Device (as after a bridge restart).
func (rg *rig) start(t *testing.T) {
	t.Helper()
	db, err := store.Open(rg.dir)
	if err != nil {
		t.Fatal(err)
	}
	ros, err := routeros.New(rg.cfg)
	if err != nil {
		t.Fatal(err)
	}
	rg.db = db
	rg.dev = NewDevice("edge", NewModel(), ros, db, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rg.dev.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done; db.Close() }
	t.Cleanup(func() {
		if rg.db == db {
			stop()
		}
	})
	rg.stopFn = stop
}

func (rg *rig) restart(t *testing.T) {
	t.Helper()
	rg.stopFn()
	rg.db = nil
	rg.start(t)
}

// values flattens Get results to full path → value.
func values(objs []Object) map[string]string {
	out := map[string]string{}
	for _, o := range objs {
		for _, p := range o.Params {
			out[o.Path+p.Name] = p.Value
		}
	}
	return out
}

func get(t *testing.T, d *Device, path string, depth int) []Object {
	t.Helper()
	objs, err := d.Get(context.Background(), path, depth)
	if err != nil {
		t.Fatalf("Get %s: %v", path, err)
	}
	return objs
}

func TestGetDeviceInfo(t *testing.T) {
	p := sim.Builtin(sim.BuiltinOptions{Serial: "HF2090000AA", Identity: "lab-1"})
	rg := newRig(t, p)
	objs := get(t, rg.dev, "Device.DeviceInfo.", 0)
	var paths []string
	for _, o := range objs {
		paths = append(paths, o.Path)
	}
	if strings.Join(paths, " ") != "Device.DeviceInfo. Device.DeviceInfo.MemoryStatus. Device.DeviceInfo.ProcessStatus." {
		t.Fatalf("objects %v", paths)
	}
	v := values(objs)
	want := map[string]string{
		"Device.DeviceInfo.Manufacturer":    "MikroTik",
		"Device.DeviceInfo.SerialNumber":    "HF2090000AA",
		"Device.DeviceInfo.ProductClass":    p.Model(),
		"Device.DeviceInfo.ModelName":       p.BoardName(),
		"Device.DeviceInfo.SoftwareVersion": p.Version(),
	}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	for _, k := range []string{"Device.DeviceInfo.UpTime", "Device.DeviceInfo.MemoryStatus.Total", "Device.DeviceInfo.MemoryStatus.Free", "Device.DeviceInfo.ProcessStatus.CPUUsage"} {
		if err := (dm.DataType{Base: dm.TypeUnsignedInt}).Validate(v[k]); err != nil {
			t.Errorf("%s = %q: %v", k, v[k], err)
		}
	}
	if v["Device.DeviceInfo.MemoryStatus.Total"] == "0" || len(v["Device.DeviceInfo.ManufacturerOUI"]) != 6 {
		t.Errorf("memory %q, OUI %q", v["Device.DeviceInfo.MemoryStatus.Total"], v["Device.DeviceInfo.ManufacturerOUI"])
	}
	id, err := rg.dev.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if id.EndpointID() != "os::"+v["Device.DeviceInfo.ManufacturerOUI"]+"-HF2090000AA" {
		t.Errorf("EndpointID %s", id.EndpointID())
	}
}

// Every value the model produces is valid for its declared type.
func TestAllValuesMatchTheirTypes(t *testing.T) {
	rg := newRig(t, sim.Builtin(sim.BuiltinOptions{}))
	objs := get(t, rg.dev, "Device.", 0)
	schema := rg.dev.Schema()
	n := 0
	for _, o := range objs {
		os, ok := schema.Object(dm.MustParsePath(o.Path).SupportedPath())
		if !ok {
			t.Fatalf("%s: no schema", o.Path)
		}
		for _, p := range o.Params {
			ps, _ := os.Param(p.Name)
			if err := ps.Type.Validate(p.Value); err != nil {
				t.Errorf("%s%s = %q: %v", o.Path, p.Name, p.Value, err)
			}
			n++
		}
	}
	if n < 50 {
		t.Fatalf("only %d values under Device.", n)
	}
}

func TestPathForms(t *testing.T) {
	rg := newRig(t, sim.Builtin(sim.BuiltinOptions{}))
	d := rg.dev

	names := values(get(t, d, "Device.Ethernet.Interface.*.Name", 0))
	if names["Device.Ethernet.Interface.1.Name"] != "ether1" || len(names) < 4 {
		t.Fatalf("wildcard names %v", names)
	}
	if got := get(t, d, "Device.Ethernet.Interface.1.", 0); len(got) != 2 || got[1].Path != "Device.Ethernet.Interface.1.Stats." {
		t.Fatalf("instance path gave %v", got)
	}
	if got := get(t, d, "Device.Ethernet.Interface.1.", 1); len(got) != 1 {
		t.Fatalf("max_depth 1 gave %d objects", len(got))
	}
	if got := get(t, d, "Device.Ethernet.", 2); len(got) != 1+len(names) {
		t.Fatalf("Device.Ethernet. at depth 2: %d objects, want the object and its %d interfaces", len(got), len(names))
	}
	v := values(get(t, d, `Device.Ethernet.Interface.[Name=="ether2"].MACAddress`, 0))
	if len(v) != 1 || v["Device.Ethernet.Interface.2.MACAddress"] == "" {
		t.Fatalf("unique-key addressing: %v", v)
	}
	if got := get(t, d, `Device.Ethernet.Interface.[Name=="nope"].`, 0); len(got) != 0 {
		t.Fatalf("search matching nothing gave %v", got)
	}
	v = values(get(t, d, `Device.IP.Interface.*.IPv4Address.[AddressingType=="Static"&&Enable==true].IPAddress`, 0))
	found := false
	for _, a := range v {
		found = found || a == "192.168.88.1"
	}
	if !found {
		t.Fatalf("search expression over IPv4 addresses: %v", v)
	}
	v = values(get(t, d, "Device.IP.InterfaceNumberOfEntries", 0))
	if v["Device.IP.InterfaceNumberOfEntries"] == "0" {
		t.Fatalf("NumberOfEntries = %v", v)
	}
	if got := get(t, d, `Device.Ethernet.Interface.[Stats.BytesSent>=0].Name`, 0); len(got) != len(names) {
		t.Fatalf("condition on a sub-object parameter matched %d of %d", len(got), len(names))
	}
}

func TestPathErrors(t *testing.T) {
	rg := newRig(t, sim.Builtin(sim.BuiltinOptions{}))
	cases := []struct {
		path string
		kind dm.Kind
		msg  string
	}{
		{"Device.Foo.", dm.KindInvalidPath, `has no object or parameter "Foo"`},
		{"Device.IP.Interface.99.", dm.KindInvalidPath, "Device.IP.Interface.99. does not exist"},
		{"Device.IP.Interface.99.Name", dm.KindInvalidPath, "does not exist"},
		{"Device.DeviceInfo.Manufacturer.", dm.KindInvalidPath, "is not a command or event"},
		{"Device.DeviceInfo.Manufacturer.X", dm.KindInvalidPath, "is a parameter, not an object"},
		{"Device.IP.Interface.Name", dm.KindInvalidPath, "is a table"},
		{"Device.DeviceInfo.1.", dm.KindInvalidPath, "is not a table"},
		{"Device..IP.", dm.KindInvalidPathSyntax, "empty segment"},
		{"Other.Thing.", dm.KindInvalidPathSyntax, `must start with "Device."`},
		{`Device.IP.Interface.[Bogus==1].`, dm.KindInvalidPath, `no parameter or single-instance object "Bogus"`},
		{`Device.IP.Interface.[Enable=="true"].`, dm.KindInvalidPathSyntax, ""},
		{"Device.Reboot()", dm.KindInvalidPath, `has no command "Reboot()"`},
		{"Device.Boot!", dm.KindInvalidPath, `has no event "Boot!"`},
	}
	for _, c := range cases {
		_, err := rg.dev.Get(context.Background(), c.path, 0)
		if err == nil {
			t.Errorf("%s: no error", c.path)
			continue
		}
		if k := dm.KindOf(err); k != c.kind || !strings.Contains(dm.Message(err), c.msg) {
			t.Errorf("%s: %v (%q), want %v containing %q", c.path, k, dm.Message(err), c.kind, c.msg)
		}
	}
}

func TestGetInstances(t *testing.T) {
	rg := newRig(t, sim.Builtin(sim.BuiltinOptions{}))
	ctx := context.Background()
	first, err := rg.dev.GetInstances(ctx, "Device.IP.Interface.", true)
	if err != nil || len(first) == 0 {
		t.Fatalf("%v, %v", first, err)
	}
	for _, in := range first {
		if len(in.UniqueKeys) != 1 || in.UniqueKeys[0].Name != "Name" || in.UniqueKeys[0].Value == "" {
			t.Fatalf("unique keys of %s: %v", in.Path, in.UniqueKeys)
		}
	}
	all, err := rg.dev.GetInstances(ctx, "Device.IP.Interface.", false)
	if err != nil || len(all) <= len(first) {
		t.Fatalf("with sub-tables: %d instances (first level %d), %v", len(all), len(first), err)
	}
	if _, err := rg.dev.GetInstances(ctx, "Device.DeviceInfo.", false); dm.KindOf(err) != dm.KindNotATable {
		t.Fatalf("single-instance object: %v", err)
	}
	if _, err := rg.dev.GetInstances(ctx, "Device.IP.Interface.77.", false); dm.KindOf(err) != dm.KindObjectNotFound {
		t.Fatalf("missing instance: %v", err)
	}
}

// Instance numbers survive a bridge restart and are never reused
// (TR-369 R-ARC.8; DESIGN.md §3).
func TestInstanceNumbersStable(t *testing.T) {
	rg := newRig(t, sim.Builtin(sim.BuiltinOptions{}))
	before := values(get(t, rg.dev, "Device.IP.Interface.*.IPv4Address.*.IPAddress", 0))

	// A new address on a new interface gets fresh numbers.
	rep, err := rg.router.Exec("/ip/address/add", "=address=10.50.0.1/24", "=interface=ether3")
	if err != nil {
		t.Fatal(err)
	}
	after := values(get(t, rg.dev, "Device.IP.Interface.*.IPv4Address.*.IPAddress", 0))
	var newPath string
	for k, v := range after {
		if v == "10.50.0.1" {
			newPath = k
		} else if before[k] != v {
			t.Fatalf("%s changed from %q to %q", k, before[k], v)
		}
	}
	if newPath == "" {
		t.Fatalf("new address not found in %v", after)
	}

	rg.restart(t)
	again := values(get(t, rg.dev, "Device.IP.Interface.*.IPv4Address.*.IPAddress", 0))
	if len(again) != len(after) {
		t.Fatalf("after restart %v, before %v", again, after)
	}
	for k, v := range after {
		if again[k] != v {
			t.Fatalf("after restart %s = %q, want %q", k, again[k], v)
		}
	}

	// Removed and re-created: a new number, never the old one.
	if _, err := rg.router.Exec("/ip/address/remove", "=.id="+rep.Ret); err != nil {
		t.Fatal(err)
	}
	if _, err := rg.router.Exec("/ip/address/add", "=address=10.50.0.1/24", "=interface=ether3"); err != nil {
		t.Fatal(err)
	}
	final := values(get(t, rg.dev, "Device.IP.Interface.*.IPv4Address.*.IPAddress", 0))
	for k, v := range final {
		if v == "10.50.0.1" && k == newPath {
			t.Fatalf("instance %s reused for a new item", k)
		}
	}
}

// An unreachable router gives an error naming it, and the device recovers
// when the router returns.
func TestRouterUnreachable(t *testing.T) {
	rg := newRig(t, sim.Builtin(sim.BuiltinOptions{}))
	known, err := rg.dev.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := rg.router.StopListening(); err != nil {
		t.Fatal(err)
	}
	changed := rg.dev.ros.Changed()
	rg.router.DropConnections()
	<-changed
	_, err = rg.dev.Get(context.Background(), "Device.DeviceInfo.SerialNumber", 0)
	if dm.KindOf(err) != dm.KindDeviceUnavailable || !strings.Contains(dm.Message(err), `router "edge"`) {
		t.Fatalf("err = %v", err)
	}
	// Identity comes from the store meanwhile.
	rg.restart(t) // a bridge restart while the router is down
	if id, err := rg.dev.Identity(context.Background()); err != nil || id != known {
		t.Fatalf("identity while down: %+v, %v; want %+v", id, err, known)
	}
	if err := rg.router.StartListening(); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for !rg.dev.ros.Connected() {
		select {
		case <-rg.dev.ros.Changed():
		case <-deadline:
			t.Fatal("no reconnect")
		}
	}
	get(t, rg.dev, "Device.DeviceInfo.SerialNumber", 0)
}

// Concurrent requests share RouterOS reads: 32 Gets of Device.DeviceInfo.
// that overlap (the router answers slowly) cost about one print per menu,
// not 32 (DESIGN.md §2 "read path").
func TestConcurrentGetsShareReads(t *testing.T) {
	rg := newRig(t, sim.Builtin(sim.BuiltinOptions{}))
	get(t, rg.dev, "Device.DeviceInfo.", 0) // connect and allocate first
	menus := len(rg.dev.model.byPath["Device.DeviceInfo."].menus)
	rg.router.SetDelay(500 * time.Millisecond)
	before := rg.router.Status().Commands
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			objs, err := rg.dev.Get(context.Background(), "Device.DeviceInfo.", 0)
			if err == nil && len(objs) != 3 {
				err = errors.New("wrong objects")
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
	// Requests that start after the first flight lands read again; allow a
	// few rounds, far below one print per request and menu.
	if n := rg.router.Status().Commands - before; n > 3*menus {
		t.Errorf("%d RouterOS commands for 32 overlapping Gets of %d menus each", n, menus)
	}
}
