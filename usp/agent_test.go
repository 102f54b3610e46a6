package usp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
	"github.com/uspbridge/uspbridge/usp/internal/wire"
)

func TestHandleHandMadeGet(t *testing.T) {
	a, f := newTestAgent(t)
	reply, err := a.HandleRecord(context.Background(), handMadeGetRecord(agentID, ctrlID))
	if err != nil {
		t.Fatal(err)
	}
	rec, msg := decodeReply(t, reply)
	if rec.GetToId() != ctrlID || rec.GetVersion() != "1.4" {
		t.Fatalf("reply record to %q version %q", rec.GetToId(), rec.GetVersion())
	}
	if msg.GetHeader().GetMsgId() != "get-1" || msg.GetHeader().GetMsgType() != uspmsg.Header_GET_RESP {
		t.Fatalf("reply header %v", msg.GetHeader())
	}
	if len(f.depths) != 1 || f.depths[0] != 2 {
		t.Fatalf("engine max depth = %v, want [2]", f.depths)
	}
	// Device.DeviceInfo. is not answered by the fake: a per-path 7026.
	res := msg.GetBody().GetResponse().GetGetResp().GetReqPathResults()
	if len(res) != 1 || res[0].GetErrCode() != uint32(ErrInvalidPath) {
		t.Fatalf("results = %v", res)
	}
}

func TestGet(t *testing.T) {
	a, _ := newTestAgent(t)
	reply, err := a.HandleRecord(context.Background(), record(t, getReq("g", 0,
		"Device.IP.Interface.",
		"Device.IP.Interface.*.Name",
		"Device.DeviceInfo.Manufacturer",
		`Device.IP.Interface.[Name=="nope"].`,
		"Device.IP.Interface.9.",
		"Device..Bad",
		"Device.Unreachable.",
	)))
	if err != nil {
		t.Fatal(err)
	}
	_, msg := decodeReply(t, reply)
	res := msg.GetBody().GetResponse().GetGetResp().GetReqPathResults()
	if len(res) != 7 {
		t.Fatalf("%d results, want 7", len(res))
	}
	// One resolved_path_result per object, sub-objects separate (§7.5.1 examples).
	if got := resolvedPaths(res[0]); got != "Device.IP.Interface.1. Device.IP.Interface.1.Stats. Device.IP.Interface.1.IPv4Address.1. Device.IP.Interface.2. Device.IP.Interface.2.Stats." {
		t.Errorf("partial path resolved %s", got)
	}
	if p := res[0].GetResolvedPathResults()[0].GetResultParams(); p["Name"] != "ether1" || p["Enable"] != "true" || len(p) != 2 {
		t.Errorf("params %v", p)
	}
	if got := resolvedPaths(res[1]); got != "Device.IP.Interface.1. Device.IP.Interface.2." {
		t.Errorf("wildcard resolved %s", got)
	}
	// R-GET.2/3: a parameter path resolves to its object with only that parameter.
	if r := res[2].GetResolvedPathResults(); len(r) != 1 || r[0].GetResolvedPath() != "Device.DeviceInfo." || r[0].GetResultParams()["Manufacturer"] != "MikroTik" {
		t.Errorf("param path resolved %v", r)
	}
	// R-GET.1a: search path matching nothing is success with no results.
	if res[3].GetErrCode() != 0 || len(res[3].GetResolvedPathResults()) != 0 {
		t.Errorf("empty search = %v", res[3])
	}
	for i, want := range []struct {
		code ErrCode
		msg  string
	}{
		{ErrInvalidPath, "Device.IP.Interface.9.: no instance 9"},
		{ErrInvalidPathSyntax, "Device..Bad: empty path segment"},
		{ErrRequestDenied, "Device.Unreachable.: router core-router is unreachable"},
	} {
		r := res[4+i]
		if r.GetErrCode() != uint32(want.code) || !strings.HasPrefix(r.GetErrMsg(), want.msg) {
			t.Errorf("%s: %d %q, want %d %q", r.GetRequestedPath(), r.GetErrCode(), r.GetErrMsg(), want.code, want.msg)
		}
		if strings.Contains(r.GetErrMsg(), "hunter2") {
			t.Errorf("internal cause leaked: %q", r.GetErrMsg())
		}
	}
}

func resolvedPaths(r *uspmsg.GetResp_RequestedPathResult) string {
	var s []string
	for _, x := range r.GetResolvedPathResults() {
		s = append(s, x.GetResolvedPath())
	}
	return strings.Join(s, " ")
}

func TestGetInstances(t *testing.T) {
	a, _ := newTestAgent(t)
	msg := request("i", uspmsg.Header_GET_INSTANCES, &uspmsg.Request{ReqType: &uspmsg.Request_GetInstances{
		GetInstances: &uspmsg.GetInstances{ObjPaths: []string{"Device.IP.Interface.", "Device.DeviceInfo.", "Device.Unreachable."}, FirstLevelOnly: true}}})
	reply, err := a.HandleRecord(context.Background(), record(t, msg))
	if err != nil {
		t.Fatal(err)
	}
	_, m := decodeReply(t, reply)
	if m.GetHeader().GetMsgType() != uspmsg.Header_GET_INSTANCES_RESP {
		t.Fatalf("type %v", m.GetHeader().GetMsgType())
	}
	res := m.GetBody().GetResponse().GetGetInstancesResp().GetReqPathResults()
	if len(res) != 3 || len(res[0].GetCurrInsts()) != 2 {
		t.Fatalf("results %v", res)
	}
	if in := res[0].GetCurrInsts()[1]; in.GetInstantiatedObjPath() != "Device.IP.Interface.2." || in.GetUniqueKeys()["Name"] != "ether2" || in.GetUniqueKeys()["Alias"] != "cpe-2" {
		t.Errorf("instance %v", in)
	}
	if res[1].GetErrCode() != uint32(ErrNotATable) || res[2].GetErrCode() != uint32(ErrRequestDenied) {
		t.Errorf("errors %v / %v", res[1], res[2])
	}
}

func TestGetSupportedProtocol(t *testing.T) {
	a, _ := newTestAgent(t)
	msg := request("p", uspmsg.Header_GET_SUPPORTED_PROTO, &uspmsg.Request{ReqType: &uspmsg.Request_GetSupportedProtocol{
		GetSupportedProtocol: &uspmsg.GetSupportedProtocol{ControllerSupportedProtocolVersions: "1.3,1.4"}}})
	reply, err := a.HandleRecord(context.Background(), record(t, msg))
	if err != nil {
		t.Fatal(err)
	}
	_, m := decodeReply(t, reply)
	if got := m.GetBody().GetResponse().GetGetSupportedProtocolResp().GetAgentSupportedProtocolVersions(); got != "1.0,1.1,1.2,1.3,1.4" {
		t.Fatalf("versions %q", got)
	}
	if m.GetHeader().GetMsgType() != uspmsg.Header_GET_SUPPORTED_PROTO_RESP {
		t.Fatalf("type %v", m.GetHeader().GetMsgType())
	}
}

func TestUnsupportedRequest(t *testing.T) {
	a, _ := newTestAgent(t)
	msg := request("s", uspmsg.Header_SET, &uspmsg.Request{ReqType: &uspmsg.Request_Set{Set: &uspmsg.Set{}}})
	reply, err := a.HandleRecord(context.Background(), record(t, msg))
	if err != nil {
		t.Fatal(err)
	}
	_, m := decodeReply(t, reply)
	e := m.GetBody().GetError()
	if m.GetHeader().GetMsgType() != uspmsg.Header_ERROR || m.GetHeader().GetMsgId() != "s" || e.GetErrCode() != 7001 || !strings.Contains(e.GetErrMsg(), "Set") {
		t.Fatalf("reply %v", m)
	}
}

// rawRecord builds a Record around raw payload bytes.
func rawRecord(version, to, from string, payload []byte) []byte {
	b, err := proto.Marshal(&usprecord.Record{Version: version, ToId: to, FromId: from,
		RecordType: &usprecord.Record_NoSessionContext{NoSessionContext: &usprecord.NoSessionContextRecord{Payload: payload}}})
	if err != nil {
		panic(err)
	}
	return b
}

func mustMarshal(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// header is an encoded usp.Header{msg_id, msg_type}.
func header(id string, typ uspmsg.Header_MsgType) []byte {
	return mustMarshal(&uspmsg.Header{MsgId: id, MsgType: typ})
}

func TestRecordRules(t *testing.T) {
	getPayload := mustMarshal(getReq("m1", 0, "Device.IP.Interface."))
	// A Msg whose Request holds two members (get and get_instances).
	var twoReqs []byte
	twoReqs = protowire.AppendTag(twoReqs, 1, protowire.BytesType)
	twoReqs = protowire.AppendBytes(twoReqs, header("m2", uspmsg.Header_GET))
	req := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), mustMarshal(&uspmsg.Get{ParamPaths: []string{"Device."}}))
	req = protowire.AppendBytes(protowire.AppendTag(req, 3, protowire.BytesType), mustMarshal(&uspmsg.GetInstances{}))
	body := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), req)
	twoReqs = protowire.AppendBytes(protowire.AppendTag(twoReqs, 2, protowire.BytesType), body)
	// A Msg whose header decodes but whose body is truncated garbage.
	broken := append(protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), header("m3", uspmsg.Header_GET)), 0x12, 0x7f, 0x01)
	// A Record carrying two record types (R-ENC.4).
	twoTypes := append(rawRecord("1.4", agentID, ctrlID, getPayload),
		protowire.AppendBytes(protowire.AppendTag(nil, 10, protowire.BytesType), nil)...)
	sessionRec := func(payload ...[]byte) []byte {
		return mustMarshal(&usprecord.Record{Version: "1.4", ToId: agentID, FromId: ctrlID,
			RecordType: &usprecord.Record_SessionContext{SessionContext: &usprecord.SessionContextRecord{SessionId: 2, SequenceId: 1, ExpectedId: 1, Payload: payload}}})
	}
	unknownType := mustMarshal(&uspmsg.Msg{Header: &uspmsg.Header{MsgId: "m4", MsgType: 99},
		Body: &uspmsg.Body{MsgBody: &uspmsg.Body_Request{Request: &uspmsg.Request{ReqType: &uspmsg.Request_Get{Get: &uspmsg.Get{}}}}}})
	tls := mustMarshal(&usprecord.Record{Version: "1.4", ToId: agentID, FromId: ctrlID, PayloadSecurity: usprecord.Record_TLS12,
		RecordType: &usprecord.Record_NoSessionContext{NoSessionContext: &usprecord.NoSessionContextRecord{Payload: []byte{1, 2, 3}}}})

	tests := []struct {
		name     string
		data     []byte
		drop     DropReason // expected drop, 0 when a reply or nothing is expected
		errCode  ErrCode    // expected Error code in the reply, 0 for none
		msgID    string
		noReply  bool
		wantVers string
	}{
		{name: "not for us (R-E2E.1)", data: rawRecord("1.4", "os::other", ctrlID, getPayload), drop: DropNotForUs},
		{name: "from self (TP-469 2.1)", data: rawRecord("1.4", agentID, agentID, getPayload), drop: DropFromSelf},
		{name: "unknown controller", data: rawRecord("1.4", agentID, "self::stranger", getPayload), drop: DropUnknownController},
		{name: "garbage", data: []byte{0xff, 0xff, 0xff}, drop: DropMalformed},
		{name: "undecodable record with readable ids (7100)", data: append(rawRecord("1.4", agentID, ctrlID, getPayload), 0xff), errCode: ErrRecordNotParsed, msgID: "m1"},
		{name: "undecodable record from a stranger", data: append(rawRecord("1.4", agentID, "self::stranger", getPayload), 0xff), drop: DropMalformed},
		{name: "empty", data: nil, drop: DropNotForUs},
		{name: "two record types (R-ENC.4)", data: twoTypes, drop: DropMalformed},
		{name: "no record type (R-ENC.4)", data: mustMarshal(&usprecord.Record{Version: "1.4", ToId: agentID, FromId: ctrlID}), drop: DropMalformed},
		{name: "empty payload", data: rawRecord("1.4", agentID, ctrlID, nil), drop: DropMalformed},
		{name: "bad version", data: rawRecord("2.0", agentID, ctrlID, getPayload), errCode: ErrInvalidRecordValue, msgID: "m1"},
		{name: "missing version", data: rawRecord("", agentID, ctrlID, getPayload), errCode: ErrInvalidRecordValue, msgID: "m1"},
		{name: "older version echoed", data: rawRecord("1.3", agentID, ctrlID, getPayload), msgID: "m1", wantVers: "1.3"},
		{name: "newer minor answered as 1.4", data: rawRecord("1.9", agentID, ctrlID, getPayload), msgID: "m1", wantVers: "1.4"},
		{name: "two request members (R-ENC.5)", data: rawRecord("1.4", agentID, ctrlID, twoReqs), errCode: ErrInvalidArguments, msgID: "m2"},
		{name: "undecodable msg with readable header (R-MTP.5)", data: rawRecord("1.4", agentID, ctrlID, broken), errCode: ErrRecordNotParsed, msgID: "m3"},
		{name: "undecodable msg without header", data: rawRecord("1.4", agentID, ctrlID, []byte{0x12, 0x7f}), drop: DropMalformed},
		{name: "unknown msg_type (R-ENC.2)", data: rawRecord("1.4", agentID, ctrlID, unknownType), drop: DropMalformed},
		{name: "no msg_id", data: rawRecord("1.4", agentID, ctrlID, mustMarshal(getReq("", 0, "Device."))), drop: DropMalformed},
		{name: "no body (R-MSG.7)", data: rawRecord("1.4", agentID, ctrlID, mustMarshal(&uspmsg.Msg{Header: &uspmsg.Header{MsgId: "m5", MsgType: uspmsg.Header_GET}})), errCode: ErrInvalidArguments, msgID: "m5"},
		{name: "empty body (R-ENC.5)", data: rawRecord("1.4", agentID, ctrlID, mustMarshal(&uspmsg.Msg{Header: &uspmsg.Header{MsgId: "m6", MsgType: uspmsg.Header_GET}, Body: &uspmsg.Body{}})), errCode: ErrInvalidArguments, msgID: "m6"},
		{name: "response is not answered", data: rawRecord("1.4", agentID, ctrlID, mustMarshal(&uspmsg.Msg{Header: &uspmsg.Header{MsgId: "n", MsgType: uspmsg.Header_NOTIFY_RESP},
			Body: &uspmsg.Body{MsgBody: &uspmsg.Body_Response{Response: &uspmsg.Response{RespType: &uspmsg.Response_NotifyResp{NotifyResp: &uspmsg.NotifyResp{}}}}}})), noReply: true},
		{name: "error is not answered", data: rawRecord("1.4", agentID, ctrlID, mustMarshal(errorMsg("e", ErrInternalError, "x"))), noReply: true},
		{name: "broken response is not answered", data: rawRecord("1.4", agentID, ctrlID, append(protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), header("r", uspmsg.Header_GET_RESP)), 0x12, 0x7f)), drop: DropMalformed},
		{name: "session context (7106)", data: sessionRec(getPayload), errCode: ErrSessionContextNotAllowed, msgID: "m1"},
		{name: "session context without payload", data: sessionRec(), drop: DropUnsupported},
		{name: "encrypted payload", data: tls, drop: DropUnsupported},
		{name: "connect record", data: mustMarshal(&usprecord.Record{Version: "1.4", ToId: agentID, FromId: ctrlID,
			RecordType: &usprecord.Record_MqttConnect{MqttConnect: &usprecord.MQTTConnectRecord{SubscribedTopic: "usp/controller/ctrl-1"}}}), noReply: true},
		{name: "disconnect record", data: mustMarshal(&usprecord.Record{Version: "1.4", ToId: agentID, FromId: ctrlID,
			RecordType: &usprecord.Record_Disconnect{Disconnect: &usprecord.DisconnectRecord{}}}), noReply: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := newTestAgent(t)
			reply, err := a.HandleRecord(context.Background(), tc.data)
			if tc.drop != 0 {
				var de *DropError
				if !errors.As(err, &de) || de.Reason != tc.drop || reply != nil {
					t.Fatalf("got reply=%v err=%v, want drop %v", reply != nil, err, tc.drop)
				}
				if a.Stats().Dropped[tc.drop] != 1 {
					t.Fatalf("stats %+v", a.Stats())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.noReply {
				if reply != nil {
					t.Fatal("unexpected reply")
				}
				if a.Stats().Ignored != 1 {
					t.Fatalf("stats %+v", a.Stats())
				}
				return
			}
			rec, m := decodeReply(t, reply)
			if rec.GetToId() != ctrlID || rec.GetNoSessionContext() == nil {
				t.Fatalf("reply record %v", rec)
			}
			if tc.wantVers != "" && rec.GetVersion() != tc.wantVers {
				t.Errorf("version %q, want %q", rec.GetVersion(), tc.wantVers)
			}
			if m.GetHeader().GetMsgId() != tc.msgID {
				t.Errorf("msg_id %q, want %q", m.GetHeader().GetMsgId(), tc.msgID)
			}
			if tc.errCode == 0 {
				if m.GetBody().GetResponse() == nil {
					t.Fatalf("reply %v, want a response", m)
				}
				return
			}
			if m.GetHeader().GetMsgType() != uspmsg.Header_ERROR || m.GetBody().GetError().GetErrCode() != uint32(tc.errCode) {
				t.Fatalf("reply %v, want Error %d", m, tc.errCode)
			}
			if a.Stats().Errors != 1 || a.Stats().Replied != 1 {
				t.Fatalf("stats %+v", a.Stats())
			}
		})
	}
}

func TestDuplicateMsgIDInProcess(t *testing.T) {
	a, f := newTestAgent(t)
	f.block, f.entered = make(chan struct{}), make(chan struct{})
	first := record(t, getReq("dup", 0, "Device.Block."))
	type result struct {
		reply []byte
		err   error
	}
	done := make(chan result)
	go func() {
		r, err := a.HandleRecord(context.Background(), first)
		done <- result{r, err}
	}()
	<-f.entered // the first one is now inside the engine

	// R-MSG.4: same msg_id from the same Controller while in process → ignored.
	_, err := a.HandleRecord(context.Background(), first)
	var de *DropError
	if !errors.As(err, &de) || de.Reason != DropDuplicate {
		t.Fatalf("duplicate: err = %v", err)
	}
	// The same msg_id from another Controller is a different message.
	other, _ := wire.EncodeMsgRecord("1.4", agentID, "self::no-topic", getReq("dup", 0, "Device.IP.Interface."))
	if r, err := a.HandleRecord(context.Background(), other); err != nil || r == nil {
		t.Fatalf("other controller: %v", err)
	}

	close(f.block)
	res := <-done
	if res.err != nil || res.reply == nil {
		t.Fatalf("first: %v", res.err)
	}
	// Once answered, the msg_id may be used again.
	f.block = nil
	if r, err := a.HandleRecord(context.Background(), record(t, getReq("dup", 0, "Device.IP.Interface."))); err != nil || r == nil {
		t.Fatalf("reuse: %v", err)
	}
}

func TestContextCanceled(t *testing.T) {
	a, f := newTestAgent(t)
	f.block = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	reply, err := a.HandleRecord(ctx, record(t, getReq("c", 0, "Device.Block.")))
	if !errors.Is(err, context.Canceled) || reply != nil {
		t.Fatalf("reply=%v err=%v", reply != nil, err)
	}
}

func TestConcurrentHandleRecord(t *testing.T) {
	a, _ := newTestAgent(t)
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("m-%d", i)
			reply, err := a.HandleRecord(context.Background(), record(t, getReq(id, 0, "Device.IP.Interface.*.Name")))
			if err != nil {
				errs <- err
				return
			}
			var rec usprecord.Record
			var msg uspmsg.Msg
			if err := proto.Unmarshal(reply, &rec); err != nil {
				errs <- err
				return
			}
			if err := proto.Unmarshal(rec.GetNoSessionContext().GetPayload(), &msg); err != nil {
				errs <- err
				return
			}
			if msg.GetHeader().GetMsgId() != id {
				errs <- fmt.Errorf("reply msg_id %q for %q", msg.GetHeader().GetMsgId(), id)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := a.Stats(); s.Received != n || s.Replied != n {
		t.Fatalf("stats %+v", s)
	}
}

func TestMQTTConnectRecords(t *testing.T) {
	a, _ := newTestAgent(t)
	out, err := a.MQTTConnectRecords(MQTT311, "usp/agent/"+agentID)
	if err != nil {
		t.Fatal(err)
	}
	// The Controller without a topic gets none.
	if len(out) != 1 || out[0].To != ctrlID || out[0].Topic != "usp/controller/ctrl-1" {
		t.Fatalf("out = %+v", out)
	}
	var rec usprecord.Record
	if err := proto.Unmarshal(out[0].Record, &rec); err != nil {
		t.Fatal(err)
	}
	mc := rec.GetMqttConnect()
	if rec.GetToId() != ctrlID || rec.GetFromId() != agentID || rec.GetVersion() != Version ||
		mc.GetVersion() != usprecord.MQTTConnectRecord_V3_1_1 || mc.GetSubscribedTopic() != "usp/agent/"+agentID {
		t.Fatalf("record %v", &rec)
	}
	if topic, ok := a.ControllerTopic(out[0].Record); !ok || topic != "usp/controller/ctrl-1" {
		t.Fatalf("ControllerTopic = %q %v", topic, ok)
	}
	if _, ok := a.ControllerTopic(rawRecord("1.4", "self::no-topic", agentID, nil)); ok {
		t.Fatal("ControllerTopic for a controller without topic")
	}
}

func TestCodeOfCoversEveryKind(t *testing.T) {
	want := map[dm.Kind]ErrCode{
		dm.KindInternal: 7003, dm.KindInvalidPathSyntax: 7008, dm.KindInvalidPath: 7026,
		dm.KindObjectNotFound: 7016, dm.KindNotATable: 7018, dm.KindInvalidArguments: 7004,
		dm.KindInvalidType: 7011, dm.KindInvalidValue: 7012, dm.KindNotWritable: 7013,
		dm.KindPermissionDenied: 7006, dm.KindResourcesExceeded: 7005, dm.KindDeviceUnavailable: 7002,
	}
	// Every named kind must be in the table above: a kind added to dm without
	// a USP code fails here.
	for k := dm.Kind(0); !strings.HasPrefix(k.String(), "kind("); k++ {
		code, ok := want[k]
		if !ok {
			t.Errorf("kind %v has no expected USP code in this test", k)
			continue
		}
		if got := CodeOf(k); got != code {
			t.Errorf("CodeOf(%v) = %d, want %d", k, got, code)
		}
	}
	if ErrInvalidPath.String() != "Invalid path" || ErrCode(7850).String() != "Vendor defined error" {
		t.Error("ErrCode.String")
	}
}

func TestReplyVersion(t *testing.T) {
	for in, want := range map[string]string{"1.0": "1.0", "1.3": "1.3", "1.4": "1.4", "1.10": "1.4", "01.2": "1.2", "2.0": "", "1": "", "": "", "1.x": "", "a.1": ""} {
		got, ok := replyVersion(in)
		if got != want || ok != (want != "") {
			t.Errorf("replyVersion(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}
