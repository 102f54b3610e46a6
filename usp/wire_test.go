package usp

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
)

// ld is a length-delimited field (wire type 2) with a one-byte tag and a
// one-byte length: enough for the small hand-made messages below.
func ld(tag byte, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	if len(body) > 127 {
		panic("ld: body too long for a one-byte length")
	}
	return append([]byte{tag, byte(len(body))}, body...)
}

func str(tag byte, s string) []byte { return ld(tag, []byte(s)) }

// handMadeGetRecord is a Record built byte by byte from the field numbers of
// TR-369 1.4 (usp-record-1-4 / usp-msg-1-4), independent of our .proto files:
//
//	Record{version=1 "1.4", to_id=2, from_id=3, no_session_context=7{payload=2: Msg}}
//	Msg{header=1{msg_id=1 "get-1", msg_type=2 GET(1)},
//	    body=2{request=1{get=1{param_paths=1 "Device.DeviceInfo.", max_depth=2 fixed32 2}}}}
func handMadeGetRecord(to, from string) []byte {
	get := bytes.Join([][]byte{
		str(0x0a, "Device.DeviceInfo."), // field 1, wire type 2
		{0x15, 0x02, 0x00, 0x00, 0x00},  // field 2, wire type 5 (fixed32) = 2
	}, nil)
	msg := bytes.Join([][]byte{
		ld(0x0a, str(0x0a, "get-1"), []byte{0x10, 0x01}), // header: msg_id, msg_type varint GET
		ld(0x12, ld(0x0a, ld(0x0a, get))),                // body → request(1) → get(1)
	}, nil)
	return bytes.Join([][]byte{
		str(0x0a, "1.4"),        // version
		str(0x12, to),           // to_id
		str(0x1a, from),         // from_id
		ld(0x3a, ld(0x12, msg)), // no_session_context(7) → payload(2)
	}, nil)
}

func TestWireCompatibleDecode(t *testing.T) {
	data := handMadeGetRecord("os::agent", "self::ctl")
	var rec usprecord.Record
	if err := proto.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.GetVersion() != "1.4" || rec.GetToId() != "os::agent" || rec.GetFromId() != "self::ctl" {
		t.Fatalf("record header = %q %q %q", rec.GetVersion(), rec.GetToId(), rec.GetFromId())
	}
	payload := rec.GetNoSessionContext().GetPayload()
	if payload == nil {
		t.Fatalf("record type = %T, want no_session_context", rec.GetRecordType())
	}
	var msg uspmsg.Msg
	if err := proto.Unmarshal(payload, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.GetHeader().GetMsgId() != "get-1" || msg.GetHeader().GetMsgType() != uspmsg.Header_GET {
		t.Fatalf("header = %v", msg.GetHeader())
	}
	get := msg.GetBody().GetRequest().GetGet()
	if get == nil {
		t.Fatalf("body = %v, want request.get", msg.GetBody())
	}
	if got := get.GetParamPaths(); len(got) != 1 || got[0] != "Device.DeviceInfo." || get.GetMaxDepth() != 2 {
		t.Fatalf("get = %v", get)
	}
}

func TestWireCompatibleEncode(t *testing.T) {
	// Error{err_code=1 fixed32 7026, err_msg=2 "x"} inside Msg{header, body.error=3}.
	want := bytes.Join([][]byte{
		ld(0x0a, str(0x0a, "e-1")), // header{msg_id}; msg_type ERROR (0) is not encoded
		ld(0x12, ld(0x1a, []byte{0x0d, 0x72, 0x1b, 0x00, 0x00}, str(0x12, "x"))),
	}, nil)
	got, err := proto.Marshal(errorMsg("e-1", ErrInvalidPath, "x"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoded Error msg\n got %s\nwant %s", hex.EncodeToString(got), hex.EncodeToString(want))
	}

	// MQTTConnectRecord{version=1 V5, subscribed_topic=2} as record_type 10.
	a := NewAgent(Config{EndpointID: "os::a"}, nil, nil)
	rec, err := a.MQTTConnectRecord("self::c", MQTT5, "usp/agent/os::a")
	if err != nil {
		t.Fatal(err)
	}
	want = bytes.Join([][]byte{
		str(0x0a, Version), str(0x12, "self::c"), str(0x1a, "os::a"),
		ld(0x52, []byte{0x08, 0x01}, str(0x12, "usp/agent/os::a")),
	}, nil)
	if !bytes.Equal(rec, want) {
		t.Fatalf("MQTTConnectRecord\n got %s\nwant %s", hex.EncodeToString(rec), hex.EncodeToString(want))
	}
}

// bbfFieldNumbers lists every field and enum value of BBF usp-msg-1-4.proto
// and usp-record-1-4.proto (TR-369 1.4.1) with its number, transcribed from
// BBF's published schema (as rendered by code generated from it: obuspa's
// protobuf-c descriptors and a quick-protobuf module of usp-msg-1-4), not
// from our .proto files. The test below compares our generated descriptors
// with it in both directions.
var bbfFieldNumbers = map[string]int32{
	// usp-record-1-4
	"usp_record.Record.version": 1, "usp_record.Record.to_id": 2, "usp_record.Record.from_id": 3,
	"usp_record.Record.payload_security": 4, "usp_record.Record.mac_signature": 5,
	"usp_record.Record.sender_cert": 6, "usp_record.Record.no_session_context": 7,
	"usp_record.Record.session_context": 8, "usp_record.Record.websocket_connect": 9,
	"usp_record.Record.mqtt_connect": 10, "usp_record.Record.stomp_connect": 11,
	"usp_record.Record.disconnect": 12, "usp_record.Record.uds_connect": 13,
	"usp_record.Record.PayloadSecurity.PLAINTEXT": 0, "usp_record.Record.PayloadSecurity.TLS12": 1,
	"usp_record.NoSessionContextRecord.payload":  2,
	"usp_record.SessionContextRecord.session_id": 1, "usp_record.SessionContextRecord.sequence_id": 2,
	"usp_record.SessionContextRecord.expected_id": 3, "usp_record.SessionContextRecord.retransmit_id": 4,
	"usp_record.SessionContextRecord.payload_sar_state": 5, "usp_record.SessionContextRecord.payloadrec_sar_state": 6,
	"usp_record.SessionContextRecord.payload":              7,
	"usp_record.SessionContextRecord.PayloadSARState.NONE": 0, "usp_record.SessionContextRecord.PayloadSARState.BEGIN": 1,
	"usp_record.SessionContextRecord.PayloadSARState.INPROCESS": 2, "usp_record.SessionContextRecord.PayloadSARState.COMPLETE": 3,
	"usp_record.MQTTConnectRecord.version": 1, "usp_record.MQTTConnectRecord.subscribed_topic": 2,
	"usp_record.MQTTConnectRecord.MQTTVersion.V3_1_1": 0, "usp_record.MQTTConnectRecord.MQTTVersion.V5": 1,
	"usp_record.STOMPConnectRecord.version": 1, "usp_record.STOMPConnectRecord.subscribed_destination": 2,
	"usp_record.STOMPConnectRecord.STOMPVersion.V1_2": 0,
	"usp_record.DisconnectRecord.reason":              1, "usp_record.DisconnectRecord.reason_code": 2,

	// usp-msg-1-4
	"usp.Msg.header": 1, "usp.Msg.body": 2,
	"usp.Header.msg_id": 1, "usp.Header.msg_type": 2,
	"usp.Header.MsgType.ERROR": 0, "usp.Header.MsgType.GET": 1, "usp.Header.MsgType.GET_RESP": 2,
	"usp.Header.MsgType.NOTIFY": 3, "usp.Header.MsgType.SET": 4, "usp.Header.MsgType.SET_RESP": 5,
	"usp.Header.MsgType.OPERATE": 6, "usp.Header.MsgType.OPERATE_RESP": 7, "usp.Header.MsgType.ADD": 8,
	"usp.Header.MsgType.ADD_RESP": 9, "usp.Header.MsgType.DELETE": 10, "usp.Header.MsgType.DELETE_RESP": 11,
	"usp.Header.MsgType.GET_SUPPORTED_DM": 12, "usp.Header.MsgType.GET_SUPPORTED_DM_RESP": 13,
	"usp.Header.MsgType.GET_INSTANCES": 14, "usp.Header.MsgType.GET_INSTANCES_RESP": 15,
	"usp.Header.MsgType.NOTIFY_RESP": 16, "usp.Header.MsgType.GET_SUPPORTED_PROTO": 17,
	"usp.Header.MsgType.GET_SUPPORTED_PROTO_RESP": 18, "usp.Header.MsgType.REGISTER": 19,
	"usp.Header.MsgType.REGISTER_RESP": 20, "usp.Header.MsgType.DEREGISTER": 21,
	"usp.Header.MsgType.DEREGISTER_RESP": 22,
	"usp.Body.request":                   1, "usp.Body.response": 2, "usp.Body.error": 3,
	"usp.Request.get": 1, "usp.Request.get_supported_dm": 2, "usp.Request.get_instances": 3,
	"usp.Request.set": 4, "usp.Request.add": 5, "usp.Request.delete": 6, "usp.Request.operate": 7,
	"usp.Request.notify": 8, "usp.Request.get_supported_protocol": 9, "usp.Request.register": 10,
	"usp.Request.deregister": 11,
	"usp.Response.get_resp":  1, "usp.Response.get_supported_dm_resp": 2, "usp.Response.get_instances_resp": 3,
	"usp.Response.set_resp": 4, "usp.Response.add_resp": 5, "usp.Response.delete_resp": 6,
	"usp.Response.operate_resp": 7, "usp.Response.notify_resp": 8,
	"usp.Response.get_supported_protocol_resp": 9, "usp.Response.register_resp": 10,
	"usp.Response.deregister_resp": 11,
	"usp.Error.err_code":           1, "usp.Error.err_msg": 2, "usp.Error.param_errs": 3,
	"usp.Error.ParamError.param_path": 1, "usp.Error.ParamError.err_code": 2, "usp.Error.ParamError.err_msg": 3,
	"usp.Get.param_paths": 1, "usp.Get.max_depth": 2,
	"usp.GetResp.req_path_results":                   1,
	"usp.GetResp.RequestedPathResult.requested_path": 1, "usp.GetResp.RequestedPathResult.err_code": 2,
	"usp.GetResp.RequestedPathResult.err_msg": 3, "usp.GetResp.RequestedPathResult.resolved_path_results": 4,
	"usp.GetResp.ResolvedPathResult.resolved_path": 1, "usp.GetResp.ResolvedPathResult.result_params": 2,
	"usp.GetSupportedDM.obj_paths": 1, "usp.GetSupportedDM.first_level_only": 2,
	"usp.GetSupportedDM.return_commands": 3, "usp.GetSupportedDM.return_events": 4,
	"usp.GetSupportedDM.return_params": 5, "usp.GetSupportedDM.return_unique_key_sets": 6,
	"usp.GetSupportedDMResp.req_obj_results":                           1,
	"usp.GetSupportedDMResp.RequestedObjectResult.req_obj_path":        1,
	"usp.GetSupportedDMResp.RequestedObjectResult.err_code":            2,
	"usp.GetSupportedDMResp.RequestedObjectResult.err_msg":             3,
	"usp.GetSupportedDMResp.RequestedObjectResult.data_model_inst_uri": 4,
	"usp.GetSupportedDMResp.RequestedObjectResult.supported_objs":      5,
	"usp.GetSupportedDMResp.SupportedObjectResult.supported_obj_path":  1,
	"usp.GetSupportedDMResp.SupportedObjectResult.access":              2,
	"usp.GetSupportedDMResp.SupportedObjectResult.is_multi_instance":   3,
	"usp.GetSupportedDMResp.SupportedObjectResult.supported_commands":  4,
	"usp.GetSupportedDMResp.SupportedObjectResult.supported_events":    5,
	"usp.GetSupportedDMResp.SupportedObjectResult.supported_params":    6,
	"usp.GetSupportedDMResp.SupportedObjectResult.divergent_paths":     7,
	"usp.GetSupportedDMResp.SupportedObjectResult.unique_key_sets":     8,
	"usp.GetSupportedDMResp.SupportedParamResult.param_name":           1,
	"usp.GetSupportedDMResp.SupportedParamResult.access":               2,
	"usp.GetSupportedDMResp.SupportedParamResult.value_type":           3,
	"usp.GetSupportedDMResp.SupportedParamResult.value_change":         4,
	"usp.GetSupportedDMResp.SupportedCommandResult.command_name":       1,
	"usp.GetSupportedDMResp.SupportedCommandResult.input_arg_names":    2,
	"usp.GetSupportedDMResp.SupportedCommandResult.output_arg_names":   3,
	"usp.GetSupportedDMResp.SupportedCommandResult.command_type":       4,
	"usp.GetSupportedDMResp.SupportedEventResult.event_name":           1,
	"usp.GetSupportedDMResp.SupportedEventResult.arg_names":            2,
	"usp.GetSupportedDMResp.SupportedUniqueKeySet.key_names":           1,
	"usp.GetSupportedDMResp.ParamAccessType.PARAM_READ_ONLY":           0,
	"usp.GetSupportedDMResp.ParamAccessType.PARAM_READ_WRITE":          1,
	"usp.GetSupportedDMResp.ParamAccessType.PARAM_WRITE_ONLY":          2,
	"usp.GetSupportedDMResp.ObjAccessType.OBJ_READ_ONLY":               0, "usp.GetSupportedDMResp.ObjAccessType.OBJ_ADD_DELETE": 1,
	"usp.GetSupportedDMResp.ObjAccessType.OBJ_ADD_ONLY": 2, "usp.GetSupportedDMResp.ObjAccessType.OBJ_DELETE_ONLY": 3,
	"usp.GetSupportedDMResp.ParamValueType.PARAM_UNKNOWN": 0, "usp.GetSupportedDMResp.ParamValueType.PARAM_BASE_64": 1,
	"usp.GetSupportedDMResp.ParamValueType.PARAM_BOOLEAN": 2, "usp.GetSupportedDMResp.ParamValueType.PARAM_DATE_TIME": 3,
	"usp.GetSupportedDMResp.ParamValueType.PARAM_DECIMAL": 4, "usp.GetSupportedDMResp.ParamValueType.PARAM_HEX_BINARY": 5,
	"usp.GetSupportedDMResp.ParamValueType.PARAM_INT": 6, "usp.GetSupportedDMResp.ParamValueType.PARAM_LONG": 7,
	"usp.GetSupportedDMResp.ParamValueType.PARAM_STRING": 8, "usp.GetSupportedDMResp.ParamValueType.PARAM_UNSIGNED_INT": 9,
	"usp.GetSupportedDMResp.ParamValueType.PARAM_UNSIGNED_LONG":       10,
	"usp.GetSupportedDMResp.ValueChangeType.VALUE_CHANGE_UNKNOWN":     0,
	"usp.GetSupportedDMResp.ValueChangeType.VALUE_CHANGE_ALLOWED":     1,
	"usp.GetSupportedDMResp.ValueChangeType.VALUE_CHANGE_WILL_IGNORE": 2,
	"usp.GetSupportedDMResp.CmdType.CMD_UNKNOWN":                      0, "usp.GetSupportedDMResp.CmdType.CMD_SYNC": 1,
	"usp.GetSupportedDMResp.CmdType.CMD_ASYNC": 2,
	"usp.GetInstances.obj_paths":               1, "usp.GetInstances.first_level_only": 2,
	"usp.GetInstancesResp.req_path_results":                   1,
	"usp.GetInstancesResp.RequestedPathResult.requested_path": 1,
	"usp.GetInstancesResp.RequestedPathResult.err_code":       2,
	"usp.GetInstancesResp.RequestedPathResult.err_msg":        3,
	"usp.GetInstancesResp.RequestedPathResult.curr_insts":     4,
	"usp.GetInstancesResp.CurrInstance.instantiated_obj_path": 1, "usp.GetInstancesResp.CurrInstance.unique_keys": 2,
	"usp.GetSupportedProtocol.controller_supported_protocol_versions": 1,
	"usp.GetSupportedProtocolResp.agent_supported_protocol_versions":  1,
	"usp.Add.allow_partial": 1, "usp.Add.create_objs": 2,
	"usp.Add.CreateObject.obj_path": 1, "usp.Add.CreateObject.param_settings": 2,
	"usp.Add.CreateParamSetting.param": 1, "usp.Add.CreateParamSetting.value": 2, "usp.Add.CreateParamSetting.required": 3,
	"usp.AddResp.created_obj_results":                1,
	"usp.AddResp.CreatedObjectResult.requested_path": 1, "usp.AddResp.CreatedObjectResult.oper_status": 2,
	"usp.AddResp.CreatedObjectResult.OperationStatus.oper_failure":                       1,
	"usp.AddResp.CreatedObjectResult.OperationStatus.oper_success":                       2,
	"usp.AddResp.CreatedObjectResult.OperationStatus.OperationFailure.err_code":          1,
	"usp.AddResp.CreatedObjectResult.OperationStatus.OperationFailure.err_msg":           2,
	"usp.AddResp.CreatedObjectResult.OperationStatus.OperationSuccess.instantiated_path": 1,
	"usp.AddResp.CreatedObjectResult.OperationStatus.OperationSuccess.param_errs":        2,
	"usp.AddResp.CreatedObjectResult.OperationStatus.OperationSuccess.unique_keys":       3,
	"usp.AddResp.ParameterError.param":                                                   1, "usp.AddResp.ParameterError.err_code": 2, "usp.AddResp.ParameterError.err_msg": 3,
	"usp.Delete.allow_partial": 1, "usp.Delete.obj_paths": 2,
	"usp.DeleteResp.deleted_obj_results":                1,
	"usp.DeleteResp.DeletedObjectResult.requested_path": 1, "usp.DeleteResp.DeletedObjectResult.oper_status": 2,
	"usp.DeleteResp.DeletedObjectResult.OperationStatus.oper_failure":                          1,
	"usp.DeleteResp.DeletedObjectResult.OperationStatus.oper_success":                          2,
	"usp.DeleteResp.DeletedObjectResult.OperationStatus.OperationFailure.err_code":             1,
	"usp.DeleteResp.DeletedObjectResult.OperationStatus.OperationFailure.err_msg":              2,
	"usp.DeleteResp.DeletedObjectResult.OperationStatus.OperationSuccess.affected_paths":       1,
	"usp.DeleteResp.DeletedObjectResult.OperationStatus.OperationSuccess.unaffected_path_errs": 2,
	"usp.DeleteResp.UnaffectedPathError.unaffected_path":                                       1, "usp.DeleteResp.UnaffectedPathError.err_code": 2,
	"usp.DeleteResp.UnaffectedPathError.err_msg": 3,
	"usp.Set.allow_partial":                      1, "usp.Set.update_objs": 2,
	"usp.Set.UpdateObject.obj_path": 1, "usp.Set.UpdateObject.param_settings": 2,
	"usp.Set.UpdateParamSetting.param": 1, "usp.Set.UpdateParamSetting.value": 2, "usp.Set.UpdateParamSetting.required": 3,
	"usp.SetResp.updated_obj_results":                1,
	"usp.SetResp.UpdatedObjectResult.requested_path": 1, "usp.SetResp.UpdatedObjectResult.oper_status": 2,
	"usp.SetResp.UpdatedObjectResult.OperationStatus.oper_failure":                           1,
	"usp.SetResp.UpdatedObjectResult.OperationStatus.oper_success":                           2,
	"usp.SetResp.UpdatedObjectResult.OperationStatus.OperationFailure.err_code":              1,
	"usp.SetResp.UpdatedObjectResult.OperationStatus.OperationFailure.err_msg":               2,
	"usp.SetResp.UpdatedObjectResult.OperationStatus.OperationFailure.updated_inst_failures": 3,
	"usp.SetResp.UpdatedObjectResult.OperationStatus.OperationSuccess.updated_inst_results":  1,
	"usp.SetResp.UpdatedInstanceFailure.affected_path":                                       1, "usp.SetResp.UpdatedInstanceFailure.param_errs": 2,
	"usp.SetResp.UpdatedInstanceResult.affected_path": 1, "usp.SetResp.UpdatedInstanceResult.param_errs": 2,
	"usp.SetResp.UpdatedInstanceResult.updated_params": 3,
	"usp.SetResp.ParameterError.param":                 1, "usp.SetResp.ParameterError.err_code": 2, "usp.SetResp.ParameterError.err_msg": 3,
	"usp.Operate.command": 1, "usp.Operate.command_key": 2, "usp.Operate.send_resp": 3, "usp.Operate.input_args": 4,
	"usp.OperateResp.operation_results":                1,
	"usp.OperateResp.OperationResult.executed_command": 1, "usp.OperateResp.OperationResult.req_obj_path": 2,
	"usp.OperateResp.OperationResult.req_output_args": 3, "usp.OperateResp.OperationResult.cmd_failure": 4,
	"usp.OperateResp.OperationResult.OutputArgs.output_args":  1,
	"usp.OperateResp.OperationResult.CommandFailure.err_code": 1,
	"usp.OperateResp.OperationResult.CommandFailure.err_msg":  2,
	"usp.Notify.subscription_id":                              1, "usp.Notify.send_resp": 2, "usp.Notify.event": 3, "usp.Notify.value_change": 4,
	"usp.Notify.obj_creation": 5, "usp.Notify.obj_deletion": 6, "usp.Notify.oper_complete": 7,
	"usp.Notify.on_board_req":   8,
	"usp.Notify.Event.obj_path": 1, "usp.Notify.Event.event_name": 2, "usp.Notify.Event.params": 3,
	"usp.Notify.ValueChange.param_path": 1, "usp.Notify.ValueChange.param_value": 2,
	"usp.Notify.ObjectCreation.obj_path": 1, "usp.Notify.ObjectCreation.unique_keys": 2,
	"usp.Notify.ObjectDeletion.obj_path":    1,
	"usp.Notify.OperationComplete.obj_path": 1, "usp.Notify.OperationComplete.command_name": 2,
	"usp.Notify.OperationComplete.command_key": 3, "usp.Notify.OperationComplete.req_output_args": 4,
	"usp.Notify.OperationComplete.cmd_failure":             5,
	"usp.Notify.OperationComplete.OutputArgs.output_args":  1,
	"usp.Notify.OperationComplete.CommandFailure.err_code": 1,
	"usp.Notify.OperationComplete.CommandFailure.err_msg":  2,
	"usp.Notify.OnBoardRequest.oui":                        1, "usp.Notify.OnBoardRequest.product_class": 2,
	"usp.Notify.OnBoardRequest.serial_number":                     3,
	"usp.Notify.OnBoardRequest.agent_supported_protocol_versions": 4,
	"usp.NotifyResp.subscription_id":                              1,
	"usp.Register.allow_partial":                                  1, "usp.Register.reg_paths": 2,
	"usp.Register.RegistrationPath.path":                                                     1,
	"usp.RegisterResp.registered_path_results":                                               1,
	"usp.RegisterResp.RegisteredPathResult.requested_path":                                   1,
	"usp.RegisterResp.RegisteredPathResult.oper_status":                                      2,
	"usp.RegisterResp.RegisteredPathResult.OperationStatus.oper_failure":                     1,
	"usp.RegisterResp.RegisteredPathResult.OperationStatus.oper_success":                     2,
	"usp.RegisterResp.RegisteredPathResult.OperationStatus.OperationFailure.err_code":        1,
	"usp.RegisterResp.RegisteredPathResult.OperationStatus.OperationFailure.err_msg":         2,
	"usp.RegisterResp.RegisteredPathResult.OperationStatus.OperationSuccess.registered_path": 1,
	"usp.Deregister.paths":                                                                         1,
	"usp.DeregisterResp.deregistered_path_results":                                                 1,
	"usp.DeregisterResp.DeregisteredPathResult.requested_path":                                     1,
	"usp.DeregisterResp.DeregisteredPathResult.oper_status":                                        2,
	"usp.DeregisterResp.DeregisteredPathResult.OperationStatus.oper_failure":                       1,
	"usp.DeregisterResp.DeregisteredPathResult.OperationStatus.oper_success":                       2,
	"usp.DeregisterResp.DeregisteredPathResult.OperationStatus.OperationFailure.err_code":          1,
	"usp.DeregisterResp.DeregisteredPathResult.OperationStatus.OperationFailure.err_msg":           2,
	"usp.DeregisterResp.DeregisteredPathResult.OperationStatus.OperationSuccess.deregistered_path": 1,
}

// collect records every field and enum value number of the messages and
// enums in a file, skipping the synthetic map-entry messages.
func collect(out map[string]int32, msgs protoreflect.MessageDescriptors, enums protoreflect.EnumDescriptors) {
	for i := range enums.Len() {
		e := enums.Get(i)
		for j := range e.Values().Len() {
			v := e.Values().Get(j)
			out[string(e.FullName())+"."+string(v.Name())] = int32(v.Number())
		}
	}
	for i := range msgs.Len() {
		m := msgs.Get(i)
		if m.IsMapEntry() {
			continue
		}
		for j := range m.Fields().Len() {
			f := m.Fields().Get(j)
			out[string(f.FullName())] = int32(f.Number())
		}
		collect(out, m.Messages(), m.Enums())
	}
}

func TestFieldNumbersMatchBBF(t *testing.T) {
	ours := map[string]int32{}
	for _, fd := range []protoreflect.FileDescriptor{
		uspmsg.File_usp_usp_msg_1_4_proto, usprecord.File_usp_record_usp_record_1_4_proto,
	} {
		collect(ours, fd.Messages(), fd.Enums())
	}
	var diffs []string
	for name, n := range bbfFieldNumbers {
		if got, ok := ours[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("missing %s = %d", name, n))
		} else if got != n {
			diffs = append(diffs, fmt.Sprintf("%s = %d, BBF has %d", name, got, n))
		}
	}
	for name, n := range ours {
		if _, ok := bbfFieldNumbers[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("extra %s = %d", name, n))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("schema differs from BBF 1.4:\n%s", strings.Join(diffs, "\n"))
	}
	// Wire types matter as much as numbers: BBF uses fixed32 for error codes
	// and max_depth, uint64 for session counters, bytes for payloads and
	// map<string,string> for every map.
	for _, fd := range []protoreflect.FileDescriptor{
		uspmsg.File_usp_usp_msg_1_4_proto, usprecord.File_usp_record_usp_record_1_4_proto,
	} {
		checkKinds(t, fd.Messages())
	}
}

func checkKinds(t *testing.T, msgs protoreflect.MessageDescriptors) {
	t.Helper()
	for i := range msgs.Len() {
		m := msgs.Get(i)
		for j := range m.Fields().Len() {
			f := m.Fields().Get(j)
			var want protoreflect.Kind
			switch name := string(f.Name()); {
			case m.IsMapEntry():
				want = protoreflect.StringKind
			case name == "err_code" || name == "max_depth" || name == "reason_code":
				want = protoreflect.Fixed32Kind
			case strings.HasSuffix(name, "_id") && m.FullName() == "usp_record.SessionContextRecord":
				want = protoreflect.Uint64Kind
			case name == "payload" || name == "mac_signature" || name == "sender_cert":
				want = protoreflect.BytesKind
			default:
				continue
			}
			if f.Kind() != want {
				t.Errorf("%s is %v, BBF has %v", f.FullName(), f.Kind(), want)
			}
		}
		checkKinds(t, m.Messages())
	}
}
