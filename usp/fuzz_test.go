package usp

import (
	"context"
	"errors"
	"testing"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
)

// FuzzHandleRecord feeds arbitrary bytes to an Agent backed by the fake
// engine: it must never panic, every failure must be a *DropError, and every
// reply must be a well-formed NoSessionContext Record from the Agent to a
// configured Controller carrying a Response or an Error with a msg_id.
func FuzzHandleRecord(f *testing.F) {
	f.Add(handMadeGetRecord(agentID, ctrlID))
	f.Add(record(f, getReq("g", 1, "Device.IP.Interface.", "Device.Nope.", "Device.IP.Interface.*.Name")))
	f.Add(record(f, request("i", uspmsg.Header_GET_INSTANCES, &uspmsg.Request{ReqType: &uspmsg.Request_GetInstances{
		GetInstances: &uspmsg.GetInstances{ObjPaths: []string{"Device.IP.Interface."}}}})))
	f.Add(record(f, request("d", uspmsg.Header_GET_SUPPORTED_DM, &uspmsg.Request{ReqType: &uspmsg.Request_GetSupportedDm{
		GetSupportedDm: &uspmsg.GetSupportedDM{ObjPaths: []string{"Device.", "Device.IP.Interface.1.", "Device.DeviceInfo.UpTime"},
			ReturnParams: true, ReturnUniqueKeySets: true}}})))
	f.Add(record(f, request("p", uspmsg.Header_GET_SUPPORTED_PROTO, &uspmsg.Request{ReqType: &uspmsg.Request_GetSupportedProtocol{
		GetSupportedProtocol: &uspmsg.GetSupportedProtocol{}}})))
	f.Add(record(f, request("s", uspmsg.Header_SET, &uspmsg.Request{ReqType: &uspmsg.Request_Set{Set: &uspmsg.Set{}}})))
	f.Add(mustMarshal(&usprecord.Record{Version: "1.4", ToId: agentID, FromId: ctrlID,
		RecordType: &usprecord.Record_SessionContext{SessionContext: &usprecord.SessionContextRecord{
			Payload: [][]byte{mustMarshal(getReq("x", 0, "Device."))}}}}))
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x03, '1', '.', '4'})

	a, _ := newTestAgent(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		reply, err := a.HandleRecord(context.Background(), data)
		if err != nil {
			var de *DropError
			if !errors.As(err, &de) || reply != nil {
				t.Fatalf("reply=%v err=%v", reply != nil, err)
			}
			return
		}
		if reply == nil {
			return
		}
		rec, msg := decodeReply(t, reply)
		if _, ok := a.ctrls[rec.GetToId()]; !ok {
			t.Fatalf("reply to unknown %q", rec.GetToId())
		}
		if msg.GetHeader().GetMsgId() == "" {
			t.Fatal("reply without msg_id")
		}
		switch msg.GetBody().GetMsgBody().(type) {
		case *uspmsg.Body_Response:
		case *uspmsg.Body_Error:
			if msg.GetHeader().GetMsgType() != uspmsg.Header_ERROR {
				t.Fatalf("error with type %v", msg.GetHeader().GetMsgType())
			}
		default:
			t.Fatalf("reply body %T", msg.GetBody().GetMsgBody())
		}
	})
}
