package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/bridge"
	"github.com/uspbridge/uspbridge/routeros/sim"
	"github.com/uspbridge/uspbridge/usp/controller"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/mqtttest"
)

// The end-to-end path of the walking skeleton: a simulated router seeded
// from a real /export → the bridge (as `uspbridge run` wires it) → an MQTT
// broker → the USP Controller client uspctl uses. Values are checked against
// the export file itself, parsed here independently of the simulator.

var fixtureExports = []string{
	"ccr2116-7.20.4.rsc",
	"crs317-7.17.rsc",
	"hap-ax3-7.20.6.rsc",
	"rb5009-7.1.1.rsc",
	"rb5009-7.19.4.rsc",
}

// exportFacts is what the test reads from an export file.
type exportFacts struct {
	version, model, serial, identity string
	addresses                        []exportAddress
	renamed                          map[string]string // default-name → name
}

type exportAddress struct {
	iface, addr, mask string
	enabled           bool
}

// ethernetPorts is the number of physical ethernet ports of each fixture
// model (MikroTik product pages).
var ethernetPorts = map[string]int{
	"CCR2116-12G-4S+":     17, // ether1–13, sfp-sfpplus1–4
	"CRS317-1G-16S+":      17, // ether1, sfp-sfpplus1–16
	"RB5009UG+S+":         9,  // ether1–8, sfp-sfpplus1
	"RB5009UPr+S+":        9,
	"C53UiG+5HPaxD2HPaxD": 5, // ether1–5
}

func readExport(t *testing.T, name string) ([]byte, exportFacts) {
	t.Helper()
	path, err := sim.SharedFixture("exports", name)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := exportFacts{identity: "MikroTik", renamed: map[string]string{}}
	header := regexp.MustCompile(`^# (?:.*) by RouterOS (\S+)|^# model = (.+)|^# serial number = (.+)`)
	var lines []string
	var cur strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		if cur.Len() > 0 {
			l = strings.TrimLeft(l, " ")
		}
		if strings.HasSuffix(l, `\`) {
			cur.WriteString(strings.TrimSuffix(l, `\`))
			continue
		}
		cur.WriteString(l)
		lines = append(lines, cur.String())
		cur.Reset()
	}
	section := ""
	for _, l := range lines {
		if m := header.FindStringSubmatch(l); m != nil {
			switch {
			case m[1] != "":
				f.version = m[1]
			case m[2] != "":
				f.model = strings.TrimSpace(m[2])
			case m[3] != "":
				f.serial = strings.TrimSpace(m[3])
			}
			continue
		}
		if strings.HasPrefix(l, "/") {
			section = l
			continue
		}
		kv := exportArgs(l)
		switch {
		case section == "/ip address" && strings.HasPrefix(l, "add "):
			addr, plen, ok := strings.Cut(kv["address"], "/")
			n := 32
			if ok {
				n, _ = strconv.Atoi(plen)
			}
			mask := net.IP(net.CIDRMask(n, 32)).String()
			f.addresses = append(f.addresses, exportAddress{iface: kv["interface"], addr: addr, mask: mask, enabled: kv["disabled"] != "yes"})
		case section == "/system identity" && strings.HasPrefix(l, "set "):
			f.identity = kv["name"]
		case section == "/interface ethernet" && strings.HasPrefix(l, "set [ find default-name="):
			def := strings.TrimSuffix(strings.Fields(strings.TrimPrefix(l, "set [ find default-name="))[0], "]")
			if n, ok := kv["name"]; ok {
				f.renamed[def] = n
			}
		}
	}
	if f.version == "" || f.model == "" || f.serial == "" {
		t.Fatalf("%s: header not understood: %+v", name, f)
	}
	return raw, f
}

// exportArgs splits "add a=b c=\"d e\"" into its arguments.
func exportArgs(l string) map[string]string {
	out := map[string]string{}
	i := 0
	for i < len(l) {
		for i < len(l) && l[i] == ' ' {
			i++
		}
		start := i
		for i < len(l) && l[i] != '=' && l[i] != ' ' {
			i++
		}
		if i >= len(l) || l[i] != '=' {
			continue
		}
		key := l[start:i]
		i++
		var val strings.Builder
		if i < len(l) && l[i] == '"' {
			i++
			for i < len(l) && l[i] != '"' {
				if l[i] == '\\' && i+1 < len(l) {
					i++
				}
				val.WriteByte(l[i])
				i++
			}
			i++
		} else {
			for i < len(l) && l[i] != ' ' {
				val.WriteByte(l[i])
				i++
			}
		}
		out[key] = val.String()
	}
	return out
}

// siteRun is a running bridge with its simulated routers.
type siteRun struct {
	ctl      *controller.MQTTClient
	agents   map[string]bridge.Identity // device → identity
	topics   map[string]string          // device → agent topic
	routers  map[string]*sim.Router
	stop     func()
	adminURL string
}

// startSite runs the bridge over one simulated router per profile, against
// the broker at brokerURL, and connects a controller.
func startSite(t testing.TB, brokerURL string, profiles map[string]*sim.Profile) *siteRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &siteRun{agents: map[string]bridge.Identity{}, topics: map[string]string{}, routers: map[string]*sim.Router{}}
	cfg := &Config{
		StateDir: t.TempDir(),
		HTTP:     HTTPConfig{Listen: "127.0.0.1:0"},
		USP: USPConfig{
			MQTT:        &MQTTConfig{URL: brokerURL},
			Controllers: []ControllerConfig{{EndpointID: "self::e2e", MQTTTopic: "usp/controller/e2e"}},
		},
	}
	var wg sync.WaitGroup
	for name, p := range profiles {
		r := sim.NewRouter(p, sim.Options{Username: "uspbridge", Password: "secret-" + name})
		addr, err := r.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s.routers[name] = r
		cfg.Devices = append(cfg.Devices, DeviceEntry{Name: name, Address: addr.String(), Username: "uspbridge", Password: "secret-" + name})
	}
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	allReady := make(chan struct{})
	admin := make(chan string, 1)
	h := hooks{
		agentReady: func(device string, id bridge.Identity, topic string) {
			mu.Lock()
			defer mu.Unlock()
			s.agents[device], s.topics[device] = id, topic
			if len(s.agents) == len(profiles) {
				close(allReady)
			}
		},
		listening: func(addr string) { admin <- addr },
	}
	errc := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		errc <- runBridge(ctx, cfg, slog.New(slog.DiscardHandler), h)
	}()
	s.adminURL = "http://" + <-admin
	select {
	case <-allReady:
	case err := <-errc:
		t.Fatalf("bridge stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("agents not ready within 30s")
	}
	dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
	defer dcancel()
	ctl, err := controller.DialMQTT(dctx, controller.MQTTConfig{BrokerURL: brokerURL, EndpointID: "self::e2e"})
	if err != nil {
		t.Fatal(err)
	}
	s.ctl = ctl
	s.stop = func() {
		ctl.Close()
		cancel()
		wg.Wait()
		for _, r := range s.routers {
			r.Close()
		}
	}
	t.Cleanup(s.stop)
	return s
}

func (s *siteRun) agent(device string) controller.Agent {
	return controller.Agent{EndpointID: s.agents[device].EndpointID(), Topic: s.topics[device]}
}

// getAll runs Get and returns full path → value, failing on any error.
func (s *siteRun) getAll(t testing.TB, device string, paths ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := s.ctl.Get(ctx, s.agent(device), paths, 0)
	if err != nil {
		t.Fatalf("Get %v: %v", paths, err)
	}
	out := map[string]string{}
	for _, r := range res {
		if err := r.Err(); err != nil {
			t.Fatalf("Get %s: %v", r.RequestedPath, err)
		}
		for _, o := range r.Resolved {
			for _, p := range o.Params {
				out[o.Path+p.Name] = p.Value
			}
		}
	}
	return out
}

var endpointIDForm = regexp.MustCompile(`^os::[0-9A-F]{6}-[A-Za-z0-9]+$`)

func TestEndToEndExports(t *testing.T) {
	b, err := broker.Start(context.Background(), "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	checkExports(t, b.URL())
}

// TestEndToEndExportsMosquitto runs the same path through a real Mosquitto
// (CI interop; skipped when mosquitto is not installed).
func TestEndToEndExportsMosquitto(t *testing.T) {
	checkExports(t, mqtttest.StartMosquitto(t).URL())
}

func checkExports(t *testing.T, brokerURL string) {
	facts := map[string]exportFacts{}
	profiles := map[string]*sim.Profile{}
	for _, name := range fixtureExports {
		raw, f := readExport(t, name)
		p, _, err := sim.LoadExport(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dev := strings.TrimSuffix(name, ".rsc")
		facts[dev], profiles[dev] = f, p
	}
	s := startSite(t, brokerURL, profiles)

	for dev, f := range facts {
		t.Run(dev, func(t *testing.T) {
			if id := s.agents[dev].EndpointID(); !endpointIDForm.MatchString(id) || !strings.HasSuffix(id, "-"+f.serial) {
				t.Errorf("Endpoint ID %q, want os::<OUI>-%s", id, f.serial)
			}
			v := s.getAll(t, dev, "Device.")
			if len(v) < 50 || len(f.addresses) == 0 {
				t.Fatalf("%d values from Device., %d addresses in the export", len(v), len(f.addresses))
			}
			t.Logf("%d values, %d addresses, %d renamed ports checked", len(v), len(f.addresses), len(f.renamed))
			for k, want := range map[string]string{
				"Device.DeviceInfo.Manufacturer":    "MikroTik",
				"Device.DeviceInfo.HostName":        f.identity,
				"Device.DeviceInfo.ProductClass":    f.model,
				"Device.DeviceInfo.SerialNumber":    f.serial,
				"Device.DeviceInfo.SoftwareVersion": f.version,
			} {
				if v[k] != want {
					t.Errorf("%s = %q, want %q (from the export)", k, v[k], want)
				}
			}

			// Every /ip address line is an IPv4Address of the IP.Interface
			// named after its interface.
			ifByName := map[string]string{} // interface name → "Device.IP.Interface.N."
			for k, val := range v {
				if strings.HasPrefix(k, "Device.IP.Interface.") && strings.HasSuffix(k, ".Name") && strings.Count(k, ".") == 4 {
					ifByName[val] = strings.TrimSuffix(k, "Name")
				}
			}
			for _, a := range f.addresses {
				prefix, ok := ifByName[a.iface]
				if !ok {
					t.Errorf("no IP.Interface named %q for address %s", a.iface, a.addr)
					continue
				}
				found := false
				for k, val := range v {
					if strings.HasPrefix(k, prefix+"IPv4Address.") && strings.HasSuffix(k, ".IPAddress") && val == a.addr {
						inst := strings.TrimSuffix(k, "IPAddress")
						if v[inst+"SubnetMask"] != a.mask {
							t.Errorf("%sSubnetMask = %q, want %q", inst, v[inst+"SubnetMask"], a.mask)
						}
						if v[inst+"Enable"] != strconv.FormatBool(a.enabled) {
							t.Errorf("%sEnable = %q, want %v", inst, v[inst+"Enable"], a.enabled)
						}
						found = true
					}
				}
				if !found {
					t.Errorf("address %s/%s on %s missing under %s", a.addr, a.mask, a.iface, prefix)
				}
			}

			// The ethernet ports: the model's count, renamed ports by their new names.
			names := map[string]bool{}
			for k, val := range v {
				if strings.HasPrefix(k, "Device.Ethernet.Interface.") && strings.HasSuffix(k, ".Name") {
					names[val] = true
				}
			}
			if want := ethernetPorts[f.model]; len(names) != want || v["Device.Ethernet.InterfaceNumberOfEntries"] != strconv.Itoa(want) {
				t.Errorf("%d ethernet interfaces (NumberOfEntries %s), want %d for %s: %v", len(names), v["Device.Ethernet.InterfaceNumberOfEntries"], want, f.model, names)
			}
			for def, name := range f.renamed {
				if !names[name] || names[def] {
					t.Errorf("port %s renamed %s: names %v", def, name, names)
				}
			}
		})
	}
}

// Bad input gets a clear error and crashes nothing: an unknown path (7026),
// a malformed Record (dropped), a Record for another agent (ignored).
func TestEndToEndErrors(t *testing.T) {
	b, err := broker.Start(context.Background(), "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The controller's own topic sees the agent's MQTTConnect Record after
	// the agent subscribed (R-MTP.6).
	connects := make(chan []byte, 4)
	watch, err := mqtt.New(mqtt.Config{BrokerURL: b.URL(), EndpointID: "self::e2e", Topic: "usp/controller/e2e"},
		func(_ context.Context, m mqtt.Message) { connects <- m.Record }, nil)
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithCancel(context.Background())
	wdone := make(chan error, 1)
	go func() { wdone <- watch.Run(wctx) }()
	defer func() { wcancel(); <-wdone }()
	if err := watch.AwaitConnection(ctx); err != nil {
		t.Fatal(err)
	}

	s := startSite(t, b.URL(), map[string]*sim.Profile{"home": sim.Builtin(sim.BuiltinOptions{})})
	select {
	case rec := <-connects:
		eid := s.agents["home"].EndpointID()
		if !bytes.Contains(rec, []byte(eid)) || !bytes.Contains(rec, []byte(s.topics["home"])) || !bytes.Contains(rec, []byte("self::e2e")) {
			t.Errorf("connect record %q lacks from %s, to self::e2e or topic %s", rec, eid, s.topics["home"])
		}
	case <-ctx.Done():
		t.Fatal("no MQTTConnect Record on the controller's topic")
	}
	res, err := s.ctl.Get(ctx, s.agent("home"), []string{"Device.NoSuchObject.", "Device.DeviceInfo.SerialNumber"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].ErrCode != 7026 || !strings.Contains(res[0].ErrMsg, "Device.NoSuchObject.") {
		t.Errorf("unknown path: %d %q", res[0].ErrCode, res[0].ErrMsg)
	}
	if res[1].Err() != nil || len(res[1].Resolved) != 1 {
		t.Errorf("good path next to a bad one: %+v", res[1])
	}

	// Garbage and a Record for someone else on the agent's topic: no crash,
	// and the agent keeps answering.
	for _, junk := range [][]byte{{0xff, 0x00, 0x13}, {}, bytes.Repeat([]byte{0x0a}, 100)} {
		if err := rawPublish(ctx, b.URL(), s.topics["home"], junk); err != nil {
			t.Fatal(err)
		}
	}
	v := s.getAll(t, "home", "Device.DeviceInfo.SerialNumber")
	if v["Device.DeviceInfo.SerialNumber"] == "" {
		t.Fatal("agent did not answer after malformed records")
	}

	// An unreachable router: an error naming it; recovery when it returns.
	r := s.routers["home"]
	if err := r.StopListening(); err != nil {
		t.Fatal(err)
	}
	r.DropConnections()
	deadline := time.Now().Add(10 * time.Second)
	var last controller.GetResult
	for time.Now().Before(deadline) {
		res, err := s.ctl.Get(ctx, s.agent("home"), []string{"Device.DeviceInfo.SerialNumber"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		last = res[0]
		if last.ErrCode != 0 {
			break
		}
	}
	if last.ErrCode != 7002 || !strings.Contains(last.ErrMsg, `"home"`) {
		t.Fatalf("router down: %d %q, want 7002 naming the router", last.ErrCode, last.ErrMsg)
	}
	if err := r.StartListening(); err != nil {
		t.Fatal(err)
	}
	for {
		res, err := s.ctl.Get(ctx, s.agent("home"), []string{"Device.DeviceInfo.SerialNumber"}, 0)
		if err != nil {
			t.Fatalf("no recovery: %v", err)
		}
		if res[0].ErrCode == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no recovery: %+v", res[0])
		case <-time.After(20 * time.Millisecond): // polling the router's return, not ordering test steps
		}
	}

	// The admin endpoints answer.
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		body := httpGet(t, s.adminURL+path)
		if path == "/metrics" && !strings.Contains(body, `uspbridge_router_up{device="home"} 1`) {
			t.Errorf("/metrics lacks router_up: %.300s", body)
		}
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := httpClient().Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func httpClient() *http.Client { return &http.Client{Timeout: 5 * time.Second} }

// rawPublish publishes arbitrary bytes to topic, as a broken or hostile
// client would.
func rawPublish(ctx context.Context, brokerURL, topic string, payload []byte) error {
	c, err := mqtt.New(mqtt.Config{BrokerURL: brokerURL, EndpointID: "self::junk", Topic: "usp/controller/junk"}, func(context.Context, mqtt.Message) {}, nil)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(rctx) }()
	defer func() { cancel(); <-done }()
	if err := c.AwaitConnection(ctx); err != nil {
		return fmt.Errorf("junk publisher: %w", err)
	}
	return c.Publish(ctx, topic, payload)
}

// A router that is down when the bridge starts, and was never seen before,
// has no Endpoint ID yet: its agent starts when the router first answers.
func TestEndToEndFirstContactLater(t *testing.T) {
	b, err := broker.Start(context.Background(), "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r := sim.NewRouter(sim.Builtin(sim.BuiltinOptions{}), sim.Options{Username: "u", Password: "p"})
	addr, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.StopListening(); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{
		StateDir: t.TempDir(),
		HTTP:     HTTPConfig{Listen: "127.0.0.1:0"},
		USP:      USPConfig{MQTT: &MQTTConfig{URL: b.URL()}},
		Devices:  []DeviceEntry{{Name: "late", Address: addr.String(), Username: "u", Password: "p"}},
	}
	cfg.applyDefaults()
	ready := make(chan string, 1)
	admin := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runBridge(ctx, cfg, slog.New(slog.DiscardHandler), hooks{
			agentReady: func(_ string, id bridge.Identity, _ string) { ready <- id.EndpointID() },
			listening:  func(a string) { admin <- a },
		})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	resp, err := httpClient().Get("http://" + <-admin + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), "device late: router "+addr.String()+" not connected") {
		t.Fatalf("/readyz while the router is down: %d %s", resp.StatusCode, body)
	}
	if err := r.StartListening(); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-ready:
		if !endpointIDForm.MatchString(id) {
			t.Fatalf("endpoint ID %q", id)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("agent did not start after the router came up")
	}
}

// The command line: -config.check validates a file and names a bad key.
func TestRunCommandConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := dir + "/good.yaml"
	if err := os.WriteFile(good, []byte(validConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := mainErr(context.Background(), []string{"run", "-config", good, "-config.check"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ok (1 devices)") {
		t.Fatalf("stdout %q", out.String())
	}
	bad := dir + "/bad.yaml"
	if err := os.WriteFile(bad, []byte(validConfig+"devcies: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := mainErr(context.Background(), []string{"-config", bad, "-config.check"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), `unknown key "devcies"`) {
		t.Fatalf("bad config: %v", err)
	}
	if err := mainErr(context.Background(), []string{"frobnicate"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %v", err)
	}
}
