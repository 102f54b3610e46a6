package controller

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/bridge"
	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/usp"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
)

// tinyEngine serves Device.DeviceInfo. and one IP interface.
type tinyEngine struct{}

func (tinyEngine) Get(_ context.Context, path string, _ int) ([]bridge.Object, error) {
	if path == "Device.DeviceInfo." {
		return []bridge.Object{{Path: path, Params: []bridge.ParamValue{{Name: "Manufacturer", Value: "MikroTik"}}}}, nil
	}
	return nil, dm.Errorf(dm.KindInvalidPath, path, "%s is not in the supported data model", path)
}

func (tinyEngine) GetInstances(_ context.Context, path string, _ bool) ([]bridge.Instance, error) {
	return []bridge.Instance{{Path: "Device.IP.Interface.1.", UniqueKeys: []bridge.ParamValue{{Name: "Name", Value: "ether1"}}}}, nil
}

func (tinyEngine) Schema() *dm.Schema {
	return dm.NewSchema([]*dm.ObjectSchema{{Path: "Device.DeviceInfo.", Params: []dm.ParamSchema{{Name: "Manufacturer"}}}})
}

// startAgent runs a usp.Agent behind the MQTT MTP on b, the way the bridge
// wires it: replies go to the request's Response Topic.
func startAgent(t *testing.T, ctx context.Context, b *broker.Broker) {
	t.Helper()
	a := usp.NewAgent(usp.Config{EndpointID: agentEID, Controllers: []usp.Controller{{EndpointID: ctrlEID}}}, tinyEngine{}, nil)
	var mq *mqtt.Client
	mq, err := mqtt.New(mqtt.Config{BrokerURL: b.URL(), EndpointID: agentEID, Topic: agent.Topic},
		func(ctx context.Context, m mqtt.Message) {
			reply, err := a.HandleRecord(ctx, m.Record)
			if err != nil || reply == nil || m.ResponseTopic == "" {
				return
			}
			if err := mq.Publish(ctx, m.ResponseTopic, reply); err != nil {
				t.Errorf("agent publish: %v", err)
			}
		}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = mq.Run(ctx)
	}()
	t.Cleanup(wg.Wait)
	if err := mq.AwaitConnection(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOverMQTT(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := broker.Start(ctx, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	startAgent(t, ctx, b)
	t.Cleanup(cancel) // stop the agent before waiting for it

	c, err := DialMQTT(ctx, MQTTConfig{BrokerURL: b.URL(), EndpointID: ctrlEID})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !strings.HasPrefix(c.ReplyTopic(), "usp/controller/"+ctrlEID+"/") {
		t.Fatalf("reply topic %q", c.ReplyTopic())
	}
	res, err := c.Get(ctx, agent, []string{"Device.DeviceInfo.", "Device.Nope."}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Resolved[0].Params[0] != (Param{"Manufacturer", "MikroTik"}) || res[1].ErrCode != usp.ErrInvalidPath {
		t.Fatalf("results %+v", res)
	}
	insts, err := c.GetInstances(ctx, agent, []string{"Device.IP.Interface."}, true)
	if err != nil || insts[0].Instances[0].Path != "Device.IP.Interface.1." {
		t.Fatalf("instances %+v %v", insts, err)
	}
	v, err := c.GetSupportedProtocol(ctx, agent)
	if err != nil || v != usp.SupportedVersions {
		t.Fatalf("versions %q %v", v, err)
	}
	// A request to an Endpoint nobody serves times out with a clear message.
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	_, err = c.Get(short, Agent{EndpointID: "os::nobody", Topic: "usp/agent/os::nobody"}, []string{"Device."}, 0)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "no GetResp from os::nobody within") {
		t.Fatalf("err %v", err)
	}
}

func TestDialMQTTFailureNamesBroker(t *testing.T) {
	// A port that refuses connections: listen, note the address, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "mqtt://" + ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = DialMQTT(ctx, MQTTConfig{BrokerURL: url, EndpointID: ctrlEID})
	if err == nil || !strings.Contains(err.Error(), "cannot connect to MQTT broker "+url) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err %v", err)
	}
	_, err = DialMQTT(context.Background(), MQTTConfig{BrokerURL: "ftp://x", EndpointID: ctrlEID})
	if err == nil || !strings.Contains(err.Error(), "ftp://x") {
		t.Fatalf("bad URL err %v", err)
	}
}
