package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/bridge"
	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/usp"
	"github.com/uspbridge/uspbridge/usp/controller"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
)

func noEnv(string) string { return "" }

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		args string
		want options // compared on the fields set here; zero means "don't care"
		err  string  // substring of stderr for usage errors
	}{
		{name: "get", args: "-mqtt mqtt://b:1883 -to os::x get Device.DeviceInfo. Device.IP.",
			want: options{command: "get", paths: []string{"Device.DeviceInfo.", "Device.IP."}, agentTopic: "usp/agent/os::x", from: "self::uspctl", timeout: 10 * time.Second}},
		{name: "get max depth after paths", args: "-mqtt mqtt://b -to os::x get Device. -max-depth 2",
			want: options{command: "get", paths: []string{"Device."}, maxDepth: 2}},
		{name: "instances first level anywhere", args: "-mqtt mqtt://b -to os::x instances Device.IP.Interface. -first-level Device.Bridging.Bridge.",
			want: options{command: "instances", paths: []string{"Device.IP.Interface.", "Device.Bridging.Bridge."}, firstLevel: true}},
		{name: "supported-dm", args: "-mqtt mqtt://b -to os::x -json -timeout 3s -from self::ops supported-dm -first-level Device.",
			want: options{command: "supported-dm", paths: []string{"Device."}, firstLevel: true, json: true, timeout: 3 * time.Second, from: "self::ops"}},
		{name: "agent topic", args: "-mqtt mqtt://b -to os::x -agent-topic-prefix agents/ gsp",
			want: options{command: "gsp", agentTopic: "agents/os::x"}},
		{name: "explicit agent topic", args: "-mqtt mqtt://b -to os::x -agent-topic t/1 gsp", want: options{agentTopic: "t/1"}},
		{name: "no command", args: "-mqtt mqtt://b -to os::x", err: "usage: uspctl"},
		{name: "unknown command", args: "-mqtt mqtt://b -to os::x set Device.X 1", err: `unknown command "set"`},
		{name: "missing broker and agent", args: "get Device.", err: "-mqtt is required; -to is required"},
		{name: "get without path", args: "-mqtt mqtt://b -to os::x get", err: "get needs at least one PATH"},
		{name: "gsp with path", args: "-mqtt mqtt://b -to os::x gsp Device.", err: "gsp takes no paths"},
		{name: "flag of another command", args: "-mqtt mqtt://b -to os::x get Device. -first-level", err: "flag provided but not defined: -first-level"},
		{name: "bad timeout", args: "-mqtt mqtt://b -to os::x -timeout 0s gsp", err: "-timeout must be positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := parseArgs(strings.Fields(tc.args), noEnv, &stderr)
			if tc.err != "" {
				if !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), tc.err) {
					t.Fatalf("err %v, stderr %q, want %q", err, stderr.String(), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err %v, stderr %s", err, stderr.String())
			}
			w := tc.want
			if w.command != "" && got.command != w.command ||
				w.paths != nil && strings.Join(got.paths, " ") != strings.Join(w.paths, " ") ||
				w.agentTopic != "" && got.agentTopic != w.agentTopic ||
				w.from != "" && got.from != w.from ||
				w.timeout != 0 && got.timeout != w.timeout ||
				got.maxDepth != w.maxDepth && w.maxDepth != 0 ||
				got.firstLevel != w.firstLevel || got.json != w.json {
				t.Fatalf("got %+v\nwant %+v", got, w)
			}
		})
	}
	o, err := parseArgs(strings.Fields("-mqtt mqtt://b -to os::x -mqtt-user u gsp"), func(k string) string {
		if k == "USPCTL_MQTT_PASSWORD" {
			return "s3cret"
		}
		return ""
	}, &bytes.Buffer{})
	if err != nil || o.user != "u" || o.password != "s3cret" {
		t.Fatalf("credentials %+v %v", o, err)
	}
}

var sampleGet = []controller.GetResult{
	{RequestedPath: "Device.IP.Interface.*.", Resolved: []controller.Object{
		{Path: "Device.IP.Interface.1.", Params: []controller.Param{{Name: "Enable", Value: "true"}, {Name: "Name", Value: "ether1"}, {Name: "Alias", Value: ""}}},
		{Path: "Device.IP.Interface.1.Stats.", Params: []controller.Param{{Name: "BytesSent", Value: "1234"}}},
	}},
	{RequestedPath: "Device.Nope.", ErrCode: 7026, ErrMsg: "Device.Nope.: invalid path"},
}

func TestPrintGet(t *testing.T) {
	var out, errOut bytes.Buffer
	ok, err := printGet(&out, &errOut, sampleGet, false)
	if err != nil || ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	want := `Device.IP.Interface.1.Enable = true
Device.IP.Interface.1.Name = ether1
Device.IP.Interface.1.Alias = ""
Device.IP.Interface.1.Stats.BytesSent = 1234
`
	if out.String() != want {
		t.Errorf("stdout\n%s\nwant\n%s", out.String(), want)
	}
	if got := errOut.String(); got != "uspctl: USP error 7026 (Invalid path): Device.Nope.: invalid path\n" {
		t.Errorf("stderr %q", got)
	}

	out.Reset()
	if _, err := printGet(&out, &bytes.Buffer{}, sampleGet, true); err != nil {
		t.Fatal(err)
	}
	var back []controller.GetResult
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back) != 2 || back[1].ErrCode != 7026 || back[0].Resolved[1].Params[0].Value != "1234" {
		t.Fatalf("json %s: %v", out.String(), err)
	}
}

func TestPrintInstances(t *testing.T) {
	var out, errOut bytes.Buffer
	ok, err := printInstances(&out, &errOut, []controller.InstancesResult{{RequestedPath: "Device.IP.Interface.", Instances: []controller.Instance{
		{Path: "Device.IP.Interface.1.", UniqueKeys: []controller.Param{{Name: "Alias", Value: "cpe-1"}, {Name: "Name", Value: "ether1"}}},
		{Path: "Device.IP.Interface.1.IPv4Address.1.", UniqueKeys: []controller.Param{{Name: "IPAddress", Value: "192.0.2.1"}}},
	}}}, false)
	if err != nil || !ok || errOut.Len() != 0 {
		t.Fatalf("ok=%v err=%v stderr=%s", ok, err, errOut.String())
	}
	want := `Device.IP.Interface.1.                Alias="cpe-1" Name="ether1"
Device.IP.Interface.1.IPv4Address.1.  IPAddress="192.0.2.1"
`
	if out.String() != want {
		t.Errorf("stdout\n%s\nwant\n%s", out.String(), want)
	}
}

func TestPrintSupportedDM(t *testing.T) {
	var out bytes.Buffer
	ok, err := printSupportedDM(&out, &bytes.Buffer{}, []controller.SupportedDMResult{{RequestedPath: "Device.IP.Interface.", Objects: []controller.SupportedObject{
		{Path: "Device.IP.Interface.{i}.", Access: "addDelete", MultiInstance: true, UniqueKeySets: [][]string{{"Alias"}, {"Name"}},
			Params: []controller.SupportedParam{{Name: "Enable", Access: "readWrite", Type: "boolean", ValueChange: "allowed"},
				{Name: "LastChange", Access: "readOnly", Type: "unsignedInt", ValueChange: "willIgnore"}},
			Commands: []controller.SupportedCommand{{Name: "Reset()", Type: "sync"}}},
		{Path: "Device.IP.Interface.{i}.Stats.", Access: "readOnly",
			Params: []controller.SupportedParam{{Name: "BytesSent", Access: "readOnly", Type: "unsignedLong", ValueChange: "willIgnore"}}},
	}}}, false)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	want := `Device.IP.Interface.{i}.  (table, addDelete; unique keys: Alias, Name)
    Enable      boolean      readWrite
    LastChange  unsignedInt  readOnly  value changes not notified
    Reset()     command      sync
  Device.IP.Interface.{i}.Stats.  (object)
      BytesSent  unsignedLong  readOnly  value changes not notified
`
	if out.String() != want {
		t.Errorf("stdout\n%s\nwant\n%s", out.String(), want)
	}
}

// fakeRequester records what execute asks for.
type fakeRequester struct {
	got []string
	err error
}

func (f *fakeRequester) Get(_ context.Context, a controller.Agent, paths []string, d uint32) ([]controller.GetResult, error) {
	f.got = append(f.got, "get "+a.EndpointID+" "+a.Topic+" "+strings.Join(paths, ",")+" "+string(rune('0'+d)))
	return nil, f.err
}

func (f *fakeRequester) GetInstances(_ context.Context, _ controller.Agent, paths []string, first bool) ([]controller.InstancesResult, error) {
	f.got = append(f.got, "instances "+strings.Join(paths, ","))
	return nil, f.err
}

func (f *fakeRequester) GetSupportedDM(_ context.Context, _ controller.Agent, paths []string, o controller.SupportedDMOptions) ([]controller.SupportedDMResult, error) {
	if !o.Params || !o.UniqueKeySets || !o.Commands || !o.Events {
		f.got = append(f.got, "supported-dm without details")
	}
	f.got = append(f.got, "supported-dm "+strings.Join(paths, ","))
	return nil, f.err
}

func (f *fakeRequester) GetSupportedProtocol(context.Context, controller.Agent) (string, error) {
	f.got = append(f.got, "gsp")
	return "1.4", f.err
}

func TestExecute(t *testing.T) {
	f := &fakeRequester{}
	o, _ := parseArgs(strings.Fields("-mqtt m://b -to os::x get A. -max-depth 3"), noEnv, &bytes.Buffer{})
	if ok, err := execute(context.Background(), f, o, &bytes.Buffer{}, &bytes.Buffer{}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	o, _ = parseArgs(strings.Fields("-mqtt m://b -to os::x supported-dm A."), noEnv, &bytes.Buffer{})
	_, _ = execute(context.Background(), f, o, &bytes.Buffer{}, &bytes.Buffer{})
	if got := strings.Join(f.got, "|"); got != "get os::x usp/agent/os::x A. 3|supported-dm A." {
		t.Fatalf("calls %s", got)
	}
	f.err = &controller.Error{Code: 7001, Message: "nope"}
	if ok, err := execute(context.Background(), f, o, &bytes.Buffer{}, &bytes.Buffer{}); ok || err == nil {
		t.Fatal("request error not reported")
	}
}

// tinyEngine is the smallest usp.Engine for the end-to-end test below.
type tinyEngine struct{}

func (tinyEngine) Get(_ context.Context, path string, _ int) ([]bridge.Object, error) {
	if path == "Device.DeviceInfo." {
		return []bridge.Object{{Path: path, Params: []bridge.ParamValue{{Name: "Manufacturer", Value: "MikroTik"}}}}, nil
	}
	return nil, dm.Errorf(dm.KindInvalidPath, path, "%s is not in the supported data model", path)
}

func (tinyEngine) GetInstances(context.Context, string, bool) ([]bridge.Instance, error) {
	return []bridge.Instance{{Path: "Device.IP.Interface.1.", UniqueKeys: []bridge.ParamValue{{Name: "Name", Value: "ether1"}}}}, nil
}

func (tinyEngine) Schema() *dm.Schema {
	return dm.NewSchema([]*dm.ObjectSchema{{Path: "Device.DeviceInfo.", Params: []dm.ParamSchema{{Name: "Manufacturer"}}}})
}

// TestRunOverMQTT runs the CLI against a usp.Agent behind an embedded
// broker: exit statuses and output of a real round trip.
func TestRunOverMQTT(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := broker.Start(ctx, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const agentID = "os::4C5E0C-CLI0001"
	a := usp.NewAgent(usp.Config{EndpointID: agentID, Controllers: []usp.Controller{{EndpointID: "self::uspctl"}}}, tinyEngine{}, nil)
	var mq *mqtt.Client
	mq, err = mqtt.New(mqtt.Config{BrokerURL: b.URL(), EndpointID: agentID, Topic: "usp/agent/" + agentID},
		func(ctx context.Context, m mqtt.Message) {
			if reply, err := a.HandleRecord(ctx, m.Record); err == nil && reply != nil {
				_ = mq.Publish(ctx, m.ResponseTopic, reply)
			}
		}, nil)
	if err != nil {
		t.Fatal(err)
	}
	agentCtx, stopAgent := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = mq.Run(agentCtx) }()
	defer wg.Wait()
	defer stopAgent()
	if err := mq.AwaitConnection(ctx); err != nil {
		t.Fatal(err)
	}

	cli := func(args string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, strings.Fields("-mqtt "+b.URL()+" -to "+agentID+" -timeout 5s "+args), &out, &errOut, noEnv)
		return code, out.String(), errOut.String()
	}
	if code, out, errOut := cli("get Device.DeviceInfo."); code != 0 || out != "Device.DeviceInfo.Manufacturer = MikroTik\n" {
		t.Fatalf("get: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cli("get Device.DeviceInfo. Device.Nope."); code != 1 || !strings.Contains(errOut, "uspctl: USP error 7026 (Invalid path): Device.Nope. ") {
		t.Fatalf("get with a bad path: %d %q", code, errOut)
	}
	if code, out, _ := cli("instances Device.IP.Interface."); code != 0 || !strings.Contains(out, `Device.IP.Interface.1.  Name="ether1"`) {
		t.Fatalf("instances: %d %q", code, out)
	}
	if code, out, _ := cli("-json gsp"); code != 0 || !strings.Contains(out, `"agent_supported_protocol_versions": "1.0,1.1,1.2,1.3,1.4"`) {
		t.Fatalf("gsp: %d %q", code, out)
	}
	if code, out, _ := cli("supported-dm Device.DeviceInfo."); code != 0 || !strings.HasPrefix(out, "Device.DeviceInfo.  (object)\n    Manufacturer  string  readOnly") {
		t.Fatalf("supported-dm: %d %q", code, out)
	}
	// An Agent that never answers: the timeout names what was awaited.
	var out, errOut bytes.Buffer
	code := run(ctx, strings.Fields("-mqtt "+b.URL()+" -to os::nobody -timeout 300ms get Device."), &out, &errOut, noEnv)
	if code != 1 || !strings.Contains(errOut.String(), "uspctl: no GetResp from os::nobody within") {
		t.Fatalf("timeout: %d %q", code, errOut.String())
	}
}

func TestRunBrokerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "mqtt://" + ln.Addr().String()
	ln.Close()
	var out, errOut bytes.Buffer
	code := run(context.Background(), strings.Fields("-mqtt "+url+" -to os::x -timeout 300ms gsp"), &out, &errOut, noEnv)
	if code != 1 || !strings.Contains(errOut.String(), "cannot connect to MQTT broker "+url) {
		t.Fatalf("%d %q", code, errOut.String())
	}
	if code := run(context.Background(), nil, &out, &errOut, noEnv); code != 2 {
		t.Fatalf("usage exit %d", code)
	}
}
