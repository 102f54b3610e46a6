package controller

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
	"github.com/uspbridge/uspbridge/usp"
	"github.com/uspbridge/uspbridge/usp/internal/wire"
)

const (
	ctrlEID  = "self::uspctl-test"
	agentEID = "os::4C5E0C-TEST0001"
)

var agent = Agent{EndpointID: agentEID, Topic: "usp/agent/" + agentEID}

// sent is one Record a fakeSender received.
type sent struct {
	topic string
	rec   *usprecord.Record
	msg   *uspmsg.Msg
}

// fakeSender decodes every published request and hands it to answer, whose
// result (if any) is fed back to the Client, like an Agent behind a broker.
type fakeSender struct {
	t      *testing.T
	c      *Client
	answer func(s sent) []byte
	mu     sync.Mutex
	log    []sent
}

func (f *fakeSender) Publish(ctx context.Context, topic string, record []byte) error {
	rec := &usprecord.Record{}
	if err := proto.Unmarshal(record, rec); err != nil {
		f.t.Errorf("request record: %v", err)
		return err
	}
	msg := &uspmsg.Msg{}
	if err := proto.Unmarshal(rec.GetNoSessionContext().GetPayload(), msg); err != nil {
		f.t.Errorf("request msg: %v", err)
		return err
	}
	s := sent{topic: topic, rec: rec, msg: msg}
	f.mu.Lock()
	f.log = append(f.log, s)
	f.mu.Unlock()
	if f.answer != nil {
		if reply := f.answer(s); reply != nil {
			if err := f.c.HandleRecord(reply); err != nil {
				f.t.Errorf("HandleRecord: %v", err)
			}
		}
	}
	return nil
}

func newTestClient(t *testing.T, answer func(sent) []byte) (*Client, *fakeSender) {
	f := &fakeSender{t: t, answer: answer}
	c := New(Config{EndpointID: ctrlEID}, f)
	f.c = c
	return c, f
}

// reply builds the Agent's Record answering s with body.
func reply(s sent, typ uspmsg.Header_MsgType, body *uspmsg.Body) []byte {
	b, err := wire.EncodeMsgRecord("1.4", s.rec.GetFromId(), s.rec.GetToId(),
		&uspmsg.Msg{Header: &uspmsg.Header{MsgId: s.msg.GetHeader().GetMsgId(), MsgType: typ}, Body: body})
	if err != nil {
		panic(err)
	}
	return b
}

func respBody(r *uspmsg.Response) *uspmsg.Body {
	return &uspmsg.Body{MsgBody: &uspmsg.Body_Response{Response: r}}
}

func TestGet(t *testing.T) {
	c, f := newTestClient(t, func(s sent) []byte {
		g := s.msg.GetBody().GetRequest().GetGet()
		if g == nil || s.msg.GetHeader().GetMsgType() != uspmsg.Header_GET || g.GetMaxDepth() != 2 {
			t.Errorf("request %v", s.msg)
		}
		return reply(s, uspmsg.Header_GET_RESP, respBody(&uspmsg.Response{RespType: &uspmsg.Response_GetResp{GetResp: &uspmsg.GetResp{
			ReqPathResults: []*uspmsg.GetResp_RequestedPathResult{
				{RequestedPath: "Device.DeviceInfo.", ResolvedPathResults: []*uspmsg.GetResp_ResolvedPathResult{
					{ResolvedPath: "Device.DeviceInfo.", ResultParams: map[string]string{"UpTime": "42", "Manufacturer": "MikroTik"}},
				}},
				{RequestedPath: "Device.Nope.", ErrCode: 7026, ErrMsg: "Device.Nope.: invalid path"},
			}}}}))
	})
	res, err := c.Get(context.Background(), agent, []string{"Device.DeviceInfo.", "Device.Nope."}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.log[0]; s.topic != agent.Topic || s.rec.GetToId() != agentEID || s.rec.GetFromId() != ctrlEID || s.rec.GetVersion() != usp.Version {
		t.Errorf("request record %v on %q", s.rec, s.topic)
	}
	if len(res) != 2 || res[0].Err() != nil || len(res[0].Resolved) != 1 {
		t.Fatalf("results %+v", res)
	}
	// Parameters come sorted by name.
	if p := res[0].Resolved[0].Params; p[0].Name != "Manufacturer" || p[1] != (Param{"UpTime", "42"}) {
		t.Errorf("params %v", p)
	}
	var ue *Error
	if !errors.As(res[1].Err(), &ue) || ue.Code != usp.ErrInvalidPath {
		t.Errorf("per-path error %v", res[1].Err())
	}
}

func TestErrorMessage(t *testing.T) {
	c, _ := newTestClient(t, func(s sent) []byte {
		return reply(s, uspmsg.Header_ERROR, &uspmsg.Body{MsgBody: &uspmsg.Body_Error{Error: &uspmsg.Error{
			ErrCode: 7001, ErrMsg: "Set not supported by this agent"}}})
	})
	_, err := c.GetInstances(context.Background(), agent, []string{"Device.IP.Interface."}, true)
	var ue *Error
	if !errors.As(err, &ue) || ue.Code != usp.ErrMessageNotSupported {
		t.Fatalf("err %v", err)
	}
	if got := err.Error(); got != "USP error 7001 (Message not supported): Set not supported by this agent" {
		t.Fatalf("message %q", got)
	}
}

func TestWrongResponseType(t *testing.T) {
	c, _ := newTestClient(t, func(s sent) []byte {
		return reply(s, uspmsg.Header_GET_RESP, respBody(&uspmsg.Response{RespType: &uspmsg.Response_GetResp{GetResp: &uspmsg.GetResp{}}}))
	})
	_, err := c.GetSupportedProtocol(context.Background(), agent)
	if err == nil || !strings.Contains(err.Error(), "answered GetSupportedProtocol") || !strings.Contains(err.Error(), "GetResp") {
		t.Fatalf("err %v", err)
	}
}

func TestTimeout(t *testing.T) {
	c, _ := newTestClient(t, nil) // the Agent never answers
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, agent, []string{"Device."}, 0)
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	want := fmt.Sprintf("no GetResp from %s within ", agentEID)
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "(msg_id "+te.MsgID+")") {
		t.Fatalf("message %q", err)
	}
	if len(c.pending) != 0 {
		t.Fatal("pending request left behind")
	}
	// A late answer is not matched.
	late := reply(sent{rec: &usprecord.Record{FromId: ctrlEID, ToId: agentEID}, msg: &uspmsg.Msg{Header: &uspmsg.Header{MsgId: te.MsgID}}},
		uspmsg.Header_GET_RESP, respBody(&uspmsg.Response{RespType: &uspmsg.Response_GetResp{GetResp: &uspmsg.GetResp{}}}))
	if err := c.HandleRecord(late); !errors.Is(err, ErrUnmatched) {
		t.Fatalf("late answer: %v", err)
	}
}

func TestUnmatchedRecords(t *testing.T) {
	var c *Client
	c, _ = newTestClient(t, func(s sent) []byte {
		good := reply(s, uspmsg.Header_GET_SUPPORTED_PROTO_RESP, respBody(&uspmsg.Response{RespType: &uspmsg.Response_GetSupportedProtocolResp{
			GetSupportedProtocolResp: &uspmsg.GetSupportedProtocolResp{AgentSupportedProtocolVersions: "1.3,1.4"}}}))
		// Spoofed sender, wrong recipient, unknown msg_id: all ignored.
		spoof := s
		spoof.rec = &usprecord.Record{FromId: "os::other", ToId: s.rec.GetToId()}
		for _, r := range [][]byte{
			reply(spoof, uspmsg.Header_GET_SUPPORTED_PROTO_RESP, respBody(&uspmsg.Response{RespType: &uspmsg.Response_GetSupportedProtocolResp{GetSupportedProtocolResp: &uspmsg.GetSupportedProtocolResp{}}})),
			mustEncode(wire.EncodeMsgRecord("1.4", "self::someone-else", agentEID, &uspmsg.Msg{Header: &uspmsg.Header{MsgId: s.msg.GetHeader().GetMsgId()}})),
			mustEncode(wire.EncodeMsgRecord("1.4", ctrlEID, agentEID, &uspmsg.Msg{Header: &uspmsg.Header{MsgId: "nope"}})),
			{0xff},
		} {
			if err := c.HandleRecord(r); err == nil {
				t.Error("unmatched record accepted")
			}
		}
		return good
	})
	v, err := c.GetSupportedProtocol(context.Background(), agent)
	if err != nil || v != "1.3,1.4" {
		t.Fatalf("%q %v", v, err)
	}
}

func mustEncode(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestConcurrentRequests(t *testing.T) {
	// The "Agent" answers only once all requests are in flight, in reverse
	// order, so every answer must be matched by msg_id.
	const n = 32
	var (
		mu      sync.Mutex
		waiting []sent
	)
	var c *Client
	c, _ = newTestClient(t, func(s sent) []byte {
		mu.Lock()
		waiting = append(waiting, s)
		batch := waiting
		if len(batch) == n {
			waiting = nil
		}
		mu.Unlock()
		if len(batch) == n {
			for i := len(batch) - 1; i >= 0; i-- {
				r := batch[i]
				path := r.msg.GetBody().GetRequest().GetGetInstances().GetObjPaths()[0]
				if err := c.HandleRecord(reply(r, uspmsg.Header_GET_INSTANCES_RESP, respBody(&uspmsg.Response{RespType: &uspmsg.Response_GetInstancesResp{
					GetInstancesResp: &uspmsg.GetInstancesResp{ReqPathResults: []*uspmsg.GetInstancesResp_RequestedPathResult{{RequestedPath: path}}}}}))); err != nil {
					t.Error(err)
				}
			}
		}
		return nil
	})
	var wg sync.WaitGroup
	ids := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := fmt.Sprintf("Device.X.%d.", i+1)
			res, err := c.GetInstances(context.Background(), agent, []string{path}, false)
			if err != nil || len(res) != 1 || res[0].RequestedPath != path {
				t.Errorf("%s: %v %v", path, res, err)
			}
			ids <- path
		}()
	}
	wg.Wait()
	close(ids)
	if len(ids) != n {
		t.Fatalf("%d answers", len(ids))
	}
}

func TestSupportedDMResults(t *testing.T) {
	c, _ := newTestClient(t, func(s sent) []byte {
		g := s.msg.GetBody().GetRequest().GetGetSupportedDm()
		if !g.GetReturnParams() || !g.GetReturnUniqueKeySets() || !g.GetFirstLevelOnly() || g.GetReturnCommands() {
			t.Errorf("flags %v", g)
		}
		return reply(s, uspmsg.Header_GET_SUPPORTED_DM_RESP, respBody(&uspmsg.Response{RespType: &uspmsg.Response_GetSupportedDmResp{
			GetSupportedDmResp: &uspmsg.GetSupportedDMResp{ReqObjResults: []*uspmsg.GetSupportedDMResp_RequestedObjectResult{{
				ReqObjPath: "Device.IP.Interface.", DataModelInstUri: "urn:x",
				SupportedObjs: []*uspmsg.GetSupportedDMResp_SupportedObjectResult{{
					SupportedObjPath: "Device.IP.Interface.{i}.", Access: uspmsg.GetSupportedDMResp_OBJ_ADD_DELETE, IsMultiInstance: true,
					SupportedParams: []*uspmsg.GetSupportedDMResp_SupportedParamResult{{ParamName: "Enable",
						Access: uspmsg.GetSupportedDMResp_PARAM_READ_WRITE, ValueType: uspmsg.GetSupportedDMResp_PARAM_BOOLEAN,
						ValueChange: uspmsg.GetSupportedDMResp_VALUE_CHANGE_ALLOWED}},
					SupportedCommands: []*uspmsg.GetSupportedDMResp_SupportedCommandResult{{CommandName: "Reset()", CommandType: uspmsg.GetSupportedDMResp_CMD_SYNC}},
					UniqueKeySets:     []*uspmsg.GetSupportedDMResp_SupportedUniqueKeySet{{KeyNames: []string{"Name"}}},
				}},
			}}}}}))
	})
	res, err := c.GetSupportedDM(context.Background(), agent, []string{"Device.IP.Interface."},
		SupportedDMOptions{FirstLevelOnly: true, Params: true, UniqueKeySets: true})
	if err != nil {
		t.Fatal(err)
	}
	o := res[0].Objects[0]
	if res[0].DataModelURI != "urn:x" || o.Access != "addDelete" || !o.MultiInstance || o.UniqueKeySets[0][0] != "Name" ||
		o.Params[0] != (SupportedParam{"Enable", "readWrite", "boolean", "allowed"}) || o.Commands[0].Type != "sync" {
		t.Fatalf("object %+v", o)
	}
}

func TestMsgIDsUnique(t *testing.T) {
	c1, f1 := newTestClient(t, nil)
	c2, f2 := newTestClient(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 3 {
		_, _ = c1.Get(ctx, agent, nil, 0)
		_, _ = c2.Get(ctx, agent, nil, 0)
	}
	seen := map[string]bool{}
	for _, s := range append(f1.log, f2.log...) {
		id := s.msg.GetHeader().GetMsgId()
		if seen[id] {
			t.Fatalf("msg_id %q reused", id)
		}
		seen[id] = true
	}
	// A cancelled (not timed out) wait says so.
	_, err := c1.Get(ctx, agent, nil, 0)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err %v", err)
	}
}

func TestMalformedAnswer(t *testing.T) {
	c, _ := newTestClient(t, func(s sent) []byte {
		return reply(s, uspmsg.Header_GET_RESP, &uspmsg.Body{}) // R-ENC.3: empty oneof
	})
	_, err := c.Get(context.Background(), agent, []string{"Device."}, 0)
	if err == nil || !strings.Contains(err.Error(), "malformed answer from "+agentEID) {
		t.Fatalf("err %v", err)
	}

	c, _ = newTestClient(t, func(s sent) []byte {
		hdr, _ := proto.Marshal(&uspmsg.Header{MsgId: s.msg.GetHeader().GetMsgId(), MsgType: uspmsg.Header_GET_RESP})
		payload := append(append([]byte{0x0a, byte(len(hdr))}, hdr...), 0x12, 0x7f) // body truncated
		b, _ := proto.Marshal(&usprecord.Record{Version: "1.4", ToId: ctrlEID, FromId: agentEID,
			RecordType: &usprecord.Record_NoSessionContext{NoSessionContext: &usprecord.NoSessionContextRecord{Payload: payload}}})
		return b
	})
	_, err = c.Get(context.Background(), agent, []string{"Device."}, 0)
	if err == nil || !strings.Contains(err.Error(), "undecodable answer from "+agentEID) {
		t.Fatalf("err %v", err)
	}
}
