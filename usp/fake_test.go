package usp

import (
	"context"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/uspbridge/uspbridge/bridge"
	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
	"github.com/uspbridge/uspbridge/usp/internal/wire"
)

const (
	agentID = "os::4C5E0C-TEST0001"
	ctrlID  = "self::ctrl-1"
)

// fakeEngine is a tiny in-memory TR-181 model: two IP interfaces, one of
// them with an IPv4 address. It answers only the paths the tests use.
type fakeEngine struct {
	schema *dm.Schema

	mu        sync.Mutex
	gets      []string // paths passed to Get, in order
	depths    []int
	block     chan struct{} // when non-nil, Get of "Device.Block." waits on it
	entered   chan struct{} // signalled when Get of "Device.Block." starts
	instCalls int
}

func newFakeEngine() *fakeEngine {
	u := func(name string, t dm.BaseType, acc dm.ParamAccess, volatile bool) dm.ParamSchema {
		return dm.ParamSchema{Name: name, Type: dm.DataType{Base: t}, Access: acc, Volatile: volatile}
	}
	return &fakeEngine{schema: dm.NewSchema([]*dm.ObjectSchema{
		{Path: "Device.", Params: []dm.ParamSchema{u("RootDataModelVersion", dm.TypeString, dm.ReadOnly, false)}},
		{Path: "Device.DeviceInfo.", Params: []dm.ParamSchema{
			u("Manufacturer", dm.TypeString, dm.ReadOnly, false),
			u("UpTime", dm.TypeUnsignedInt, dm.ReadOnly, true),
			{Name: "Password", Type: dm.DataType{Base: dm.TypeString}, Access: dm.WriteOnly},
		}},
		{Path: "Device.DeviceInfo.MemoryStatus.", Params: []dm.ParamSchema{u("Free", dm.TypeUnsignedInt, dm.ReadOnly, true)}},
		// "Device.IP." is deliberately missing: the Agent synthesises it.
		{Path: "Device.IP.Interface.{i}.", Multi: true, Access: dm.ObjAddDelete,
			UniqueKeys: [][]string{{"Alias"}, {"Name"}},
			Params: []dm.ParamSchema{
				u("Enable", dm.TypeBoolean, dm.ReadWrite, false),
				u("Name", dm.TypeString, dm.ReadOnly, false),
				u("Alias", dm.TypeString, dm.ReadWrite, false),
				{Name: "MaxMTUSize", Type: dm.DataType{Base: dm.TypeUnsignedInt}, Access: dm.ReadWrite},
				{Name: "LowerLayers", Type: dm.DataType{Base: dm.TypeString, List: true}, Access: dm.ReadWrite},
			}},
		{Path: "Device.IP.Interface.{i}.Stats.", Params: []dm.ParamSchema{
			u("BytesSent", dm.TypeUnsignedLong, dm.ReadOnly, true),
			u("ErrorsSent", dm.TypeUnsignedInt, dm.ReadOnly, true),
		}},
		{Path: "Device.IP.Interface.{i}.IPv4Address.{i}.", Multi: true, Access: dm.ObjReadOnly,
			UniqueKeys: [][]string{{"Alias"}, {"IPAddress", "SubnetMask"}},
			Params: []dm.ParamSchema{
				u("IPAddress", dm.TypeString, dm.ReadOnly, false),
				u("SubnetMask", dm.TypeString, dm.ReadOnly, false),
				u("Alias", dm.TypeString, dm.ReadWrite, false),
			}},
	})}
}

func (f *fakeEngine) Schema() *dm.Schema { return f.schema }

var fakeObjects = []bridge.Object{
	{Path: "Device.IP.Interface.1.", Params: []bridge.ParamValue{{Name: "Enable", Value: "true"}, {Name: "Name", Value: "ether1"}}},
	{Path: "Device.IP.Interface.1.Stats.", Params: []bridge.ParamValue{{Name: "BytesSent", Value: "1234"}}},
	{Path: "Device.IP.Interface.1.IPv4Address.1.", Params: []bridge.ParamValue{{Name: "IPAddress", Value: "192.0.2.1"}}},
	{Path: "Device.IP.Interface.2.", Params: []bridge.ParamValue{{Name: "Enable", Value: "false"}, {Name: "Name", Value: "ether2"}}},
	{Path: "Device.IP.Interface.2.Stats.", Params: []bridge.ParamValue{{Name: "BytesSent", Value: "0"}}},
}

func (f *fakeEngine) Get(ctx context.Context, path string, maxDepth int) ([]bridge.Object, error) {
	f.mu.Lock()
	if len(f.gets) < 100 { // bounded: the fuzz target reuses one engine
		f.gets = append(f.gets, path)
		f.depths = append(f.depths, maxDepth)
	}
	block, entered := f.block, f.entered
	f.mu.Unlock()
	switch path {
	case "Device.Block.":
		if block == nil {
			return nil, nil
		}
		if entered != nil {
			entered <- struct{}{}
		}
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return nil, nil
	case "Device.IP.Interface.":
		return fakeObjects, nil
	case "Device.IP.Interface.*.Name":
		return []bridge.Object{
			{Path: "Device.IP.Interface.1.", Params: []bridge.ParamValue{{Name: "Name", Value: "ether1"}}},
			{Path: "Device.IP.Interface.2.", Params: []bridge.ParamValue{{Name: "Name", Value: "ether2"}}},
		}, nil
	case `Device.IP.Interface.[Name=="nope"].`:
		return nil, nil // R-GET.1a: a search path matching nothing
	case "Device.DeviceInfo.Manufacturer":
		return []bridge.Object{{Path: "Device.DeviceInfo.", Params: []bridge.ParamValue{{Name: "Manufacturer", Value: "MikroTik"}}}}, nil
	case "Device.IP.Interface.9.":
		return nil, dm.Errorf(dm.KindInvalidPath, path, "no instance 9 of Device.IP.Interface.")
	case "Device.Unreachable.":
		return nil, &dm.Error{Kind: dm.KindDeviceUnavailable, Msg: "router core-router is unreachable", Err: errSecret}
	case "Device..Bad":
		return nil, dm.Errorf(dm.KindInvalidPathSyntax, "", "empty path segment")
	}
	return nil, dm.Errorf(dm.KindInvalidPath, path, "%s is not in the supported data model", path)
}

// errSecret stands for an internal cause that must never reach a peer.
var errSecret = &secretError{}

type secretError struct{}

func (*secretError) Error() string { return "dial tcp 10.0.0.1:8729: password=hunter2" }

func (f *fakeEngine) GetInstances(ctx context.Context, path string, firstLevelOnly bool) ([]bridge.Instance, error) {
	f.mu.Lock()
	f.instCalls++
	f.mu.Unlock()
	key := func(k, v string) []bridge.ParamValue {
		return []bridge.ParamValue{{Name: "Alias", Value: k}, {Name: "Name", Value: v}}
	}
	switch path {
	case "Device.IP.Interface.":
		out := []bridge.Instance{
			{Path: "Device.IP.Interface.1.", UniqueKeys: key("cpe-1", "ether1")},
			{Path: "Device.IP.Interface.2.", UniqueKeys: key("cpe-2", "ether2")},
		}
		if !firstLevelOnly {
			out = append(out, bridge.Instance{Path: "Device.IP.Interface.1.IPv4Address.1.",
				UniqueKeys: []bridge.ParamValue{{Name: "Alias", Value: "a1"}, {Name: "IPAddress", Value: "192.0.2.1"}, {Name: "SubnetMask", Value: "255.255.255.0"}}})
		}
		return out, nil
	case "Device.IP.Interface.1.IPv4Address.":
		return []bridge.Instance{{Path: "Device.IP.Interface.1.IPv4Address.1."}}, nil
	case "Device.IP.Interface.2.IPv4Address.":
		return nil, nil
	case "Device.DeviceInfo.":
		return nil, dm.Errorf(dm.KindNotATable, path, "%s is not a table", path)
	case "Device.Unreachable.":
		return nil, &dm.Error{Kind: dm.KindDeviceUnavailable, Msg: "router core-router is unreachable", Err: errSecret}
	}
	if strings.HasPrefix(path, "Device.IP.Interface.") {
		return nil, dm.Errorf(dm.KindInvalidPath, path, "no such instance")
	}
	return nil, dm.Errorf(dm.KindInvalidPath, path, "%s is not in the supported data model", path)
}

func newTestAgent(t testing.TB) (*Agent, *fakeEngine) {
	t.Helper()
	f := newFakeEngine()
	a := NewAgent(Config{
		EndpointID:  agentID,
		Controllers: []Controller{{EndpointID: ctrlID, MQTTTopic: "usp/controller/ctrl-1"}, {EndpointID: "self::no-topic"}},
	}, f, nil)
	return a, f
}

// record encodes msg in a NoSessionContext Record from ctrlID to agentID.
func record(t testing.TB, msg *uspmsg.Msg) []byte {
	t.Helper()
	b, err := wire.EncodeMsgRecord("1.4", agentID, ctrlID, msg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func request(msgID string, t uspmsg.Header_MsgType, r *uspmsg.Request) *uspmsg.Msg {
	return &uspmsg.Msg{
		Header: &uspmsg.Header{MsgId: msgID, MsgType: t},
		Body:   &uspmsg.Body{MsgBody: &uspmsg.Body_Request{Request: r}},
	}
}

func getReq(msgID string, maxDepth uint32, paths ...string) *uspmsg.Msg {
	return request(msgID, uspmsg.Header_GET, &uspmsg.Request{ReqType: &uspmsg.Request_Get{
		Get: &uspmsg.Get{ParamPaths: paths, MaxDepth: maxDepth}}})
}

// decodeReply checks that reply is a well-formed NoSessionContext Record from
// the Agent to ctrlID and returns it with its Msg.
func decodeReply(t testing.TB, reply []byte) (*usprecord.Record, *uspmsg.Msg) {
	t.Helper()
	if reply == nil {
		t.Fatal("no reply")
	}
	rec := &usprecord.Record{}
	if err := proto.Unmarshal(reply, rec); err != nil {
		t.Fatalf("reply record: %v", err)
	}
	if rec.GetFromId() != agentID || rec.GetToId() == "" {
		t.Fatalf("reply from %q to %q", rec.GetFromId(), rec.GetToId())
	}
	if err := wire.Check(reply, rec.ProtoReflect().Descriptor()); err != nil {
		t.Fatalf("reply record: %v", err)
	}
	payload := rec.GetNoSessionContext().GetPayload()
	msg := &uspmsg.Msg{}
	if err := proto.Unmarshal(payload, msg); err != nil {
		t.Fatalf("reply msg: %v", err)
	}
	if err := wire.Check(payload, msg.ProtoReflect().Descriptor()); err != nil {
		t.Fatalf("reply msg: %v", err)
	}
	return rec, msg
}
