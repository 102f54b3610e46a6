package usp

import (
	"context"
	"strings"
	"testing"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
)

func gsdm(t *testing.T, a *Agent, req *uspmsg.GetSupportedDM) []*uspmsg.GetSupportedDMResp_RequestedObjectResult {
	t.Helper()
	reply, err := a.HandleRecord(context.Background(), record(t, request("d", uspmsg.Header_GET_SUPPORTED_DM,
		&uspmsg.Request{ReqType: &uspmsg.Request_GetSupportedDm{GetSupportedDm: req}})))
	if err != nil {
		t.Fatal(err)
	}
	_, m := decodeReply(t, reply)
	if m.GetHeader().GetMsgType() != uspmsg.Header_GET_SUPPORTED_DM_RESP {
		t.Fatalf("reply %v", m)
	}
	return m.GetBody().GetResponse().GetGetSupportedDmResp().GetReqObjResults()
}

func objPaths(r *uspmsg.GetSupportedDMResp_RequestedObjectResult) string {
	var s []string
	for _, o := range r.GetSupportedObjs() {
		s = append(s, o.GetSupportedObjPath())
	}
	return strings.Join(s, " ")
}

func TestGetSupportedDMTree(t *testing.T) {
	a, f := newTestAgent(t)
	res := gsdm(t, a, &uspmsg.GetSupportedDM{ObjPaths: []string{"Device."}})
	if len(res) != 1 || res[0].GetErrCode() != 0 || res[0].GetDataModelInstUri() != DefaultDataModelURI {
		t.Fatalf("result %v", res)
	}
	want := "Device. Device.DeviceInfo. Device.DeviceInfo.MemoryStatus. Device.IP. Device.IP.Interface.{i}. Device.IP.Interface.{i}.Stats. Device.IP.Interface.{i}.IPv4Address.{i}."
	if got := objPaths(res[0]); got != want {
		t.Fatalf("objects\n got %s\nwant %s", got, want)
	}
	// Nothing requested beyond the tree: no params, no key sets.
	for _, o := range res[0].GetSupportedObjs() {
		if len(o.GetSupportedParams()) != 0 || len(o.GetUniqueKeySets()) != 0 {
			t.Fatalf("%s has details", o.GetSupportedObjPath())
		}
	}
	if f.instCalls != 0 {
		t.Fatal("supported paths must not touch the instantiated model")
	}
}

func TestGetSupportedDMDetails(t *testing.T) {
	a, _ := newTestAgent(t)
	res := gsdm(t, a, &uspmsg.GetSupportedDM{ObjPaths: []string{"Device.IP.Interface.{i}."},
		ReturnParams: true, ReturnUniqueKeySets: true, ReturnCommands: true, ReturnEvents: true})
	objs := res[0].GetSupportedObjs()
	if got := objPaths(res[0]); got != "Device.IP.Interface.{i}. Device.IP.Interface.{i}.Stats. Device.IP.Interface.{i}.IPv4Address.{i}." {
		t.Fatalf("objects %s", got)
	}
	itf := objs[0]
	if !itf.GetIsMultiInstance() || itf.GetAccess() != uspmsg.GetSupportedDMResp_OBJ_ADD_DELETE {
		t.Errorf("interface %v", itf)
	}
	if ks := itf.GetUniqueKeySets(); len(ks) != 2 || ks[0].GetKeyNames()[0] != "Alias" || ks[1].GetKeyNames()[0] != "Name" {
		t.Errorf("unique keys %v", ks)
	}
	if ks := objs[2].GetUniqueKeySets(); len(ks) != 2 || strings.Join(ks[1].GetKeyNames(), ",") != "IPAddress,SubnetMask" {
		t.Errorf("IPv4Address unique keys %v", ks)
	}
	// Single-instance objects have no key sets and are read-only.
	if objs[1].GetIsMultiInstance() || len(objs[1].GetUniqueKeySets()) != 0 || objs[1].GetAccess() != uspmsg.GetSupportedDMResp_OBJ_READ_ONLY {
		t.Errorf("stats %v", objs[1])
	}
	params := map[string]*uspmsg.GetSupportedDMResp_SupportedParamResult{}
	for _, p := range itf.GetSupportedParams() {
		params[p.GetParamName()] = p
	}
	for name, want := range map[string]struct {
		typ uspmsg.GetSupportedDMResp_ParamValueType
		acc uspmsg.GetSupportedDMResp_ParamAccessType
	}{
		"Enable":      {uspmsg.GetSupportedDMResp_PARAM_BOOLEAN, uspmsg.GetSupportedDMResp_PARAM_READ_WRITE},
		"Name":        {uspmsg.GetSupportedDMResp_PARAM_STRING, uspmsg.GetSupportedDMResp_PARAM_READ_ONLY},
		"MaxMTUSize":  {uspmsg.GetSupportedDMResp_PARAM_UNSIGNED_INT, uspmsg.GetSupportedDMResp_PARAM_READ_WRITE},
		"LowerLayers": {uspmsg.GetSupportedDMResp_PARAM_STRING, uspmsg.GetSupportedDMResp_PARAM_READ_WRITE},
	} {
		p := params[name]
		if p.GetValueType() != want.typ || p.GetAccess() != want.acc || p.GetValueChange() != uspmsg.GetSupportedDMResp_VALUE_CHANGE_ALLOWED {
			t.Errorf("%s = %v", name, p)
		}
	}
	// Volatile counters: value change subscriptions are ignored.
	if p := objs[1].GetSupportedParams()[0]; p.GetParamName() != "BytesSent" || p.GetValueType() != uspmsg.GetSupportedDMResp_PARAM_UNSIGNED_LONG ||
		p.GetValueChange() != uspmsg.GetSupportedDMResp_VALUE_CHANGE_WILL_IGNORE {
		t.Errorf("BytesSent = %v", p)
	}
	if len(itf.GetSupportedCommands()) != 0 || len(itf.GetSupportedEvents()) != 0 {
		t.Error("commands/events reported without schema support")
	}
}

func TestGetSupportedDMPaths(t *testing.T) {
	a, f := newTestAgent(t)
	res := gsdm(t, a, &uspmsg.GetSupportedDM{FirstLevelOnly: true, ReturnParams: true, ReturnUniqueKeySets: true, ObjPaths: []string{
		"Device.",                              // 0: first level: itself + children without params
		"Device.IP.Interface.",                 // 1: table named without its final {i}.
		"Device.IP.Interface.1.IPv4Address.",   // 2: instantiated path that exists
		"Device.IP.Interface.7.",               // 3: instance that does not exist → 7016
		"Device.IP.Interface.*.Stats.",         // 4: wildcard
		`Device.IP.Interface.[Name=="a.b"].`,   // 5: search expression with a dot inside quotes
		"Device.DeviceInfo.UpTime",             // 6: parameter path
		"Device.DeviceInfo.Nope",               // 7: unknown parameter → 7026
		"Device.Nope.",                         // 8: unknown object → 7026
		"Device.IP.Interface.{i}.1.",           // 9: instance after {i} → 7008
		"Device..IP.",                          // 10: bad syntax → 7008
		"Device.DeviceInfo.Reboot()",           // 11: no such command → 7026
		"Device.Unreachable.3.",                // 12: not in the schema → 7026 (checked before existence)
		"Device.IP.Interface.2.IPv4Address.1.", // 13: instance missing in an existing table → 7016
		"Device.DeviceInfo.1.",                 // 14: instance of a non-table → 7026
		"Device",                               // 15: not an object path, not a parameter → 7026
	}})
	if len(res) != 16 {
		t.Fatalf("%d results", len(res))
	}
	if got := objPaths(res[0]); got != "Device. Device.DeviceInfo. Device.IP." {
		t.Errorf("first level of Device.: %s", got)
	}
	if p := res[0].GetSupportedObjs(); len(p[0].GetSupportedParams()) != 1 || len(p[1].GetSupportedParams()) != 0 {
		t.Errorf("first level details: %v", p)
	}
	if got := objPaths(res[1]); got != "Device.IP.Interface.{i}. Device.IP.Interface.{i}.Stats. Device.IP.Interface.{i}.IPv4Address.{i}." {
		t.Errorf("table without {i}: %s", got)
	}
	// Children of a first-level request keep their unique key sets.
	if ks := res[1].GetSupportedObjs()[2].GetUniqueKeySets(); len(ks) != 2 {
		t.Errorf("child key sets %v", ks)
	}
	if got := objPaths(res[2]); got != "Device.IP.Interface.{i}.IPv4Address.{i}." {
		t.Errorf("instantiated path: %s", got)
	}
	if got := objPaths(res[4]); got != "Device.IP.Interface.{i}.Stats." {
		t.Errorf("wildcard: %s", got)
	}
	if got := objPaths(res[5]); !strings.HasPrefix(got, "Device.IP.Interface.{i}.") {
		t.Errorf("search path: %s", got)
	}
	if o := res[6].GetSupportedObjs(); len(o) != 1 || o[0].GetSupportedObjPath() != "Device.DeviceInfo." ||
		len(o[0].GetSupportedParams()) != 1 || o[0].GetSupportedParams()[0].GetParamName() != "UpTime" {
		t.Errorf("parameter path: %v", o)
	}
	for i, want := range map[int]ErrCode{3: ErrObjectDoesNotExist, 7: ErrInvalidPath, 8: ErrInvalidPath, 9: ErrInvalidPathSyntax,
		10: ErrInvalidPathSyntax, 11: ErrInvalidPath, 12: ErrInvalidPath, 13: ErrObjectDoesNotExist, 14: ErrInvalidPath, 15: ErrInvalidPath} {
		r := res[i]
		if r.GetErrCode() != uint32(want) || !strings.Contains(r.GetErrMsg(), r.GetReqObjPath()) || len(r.GetSupportedObjs()) != 0 {
			t.Errorf("%s: %d %q, want %d naming the path", r.GetReqObjPath(), r.GetErrCode(), r.GetErrMsg(), want)
		}
	}
	if f.instCalls != 3 {
		t.Errorf("%d existence checks, want 3 (paths 2, 3, 13)", f.instCalls)
	}
}

func TestSplitPath(t *testing.T) {
	for in, want := range map[string]string{
		"Device.":                     "Device|obj",
		"Device.IP.Interface.1.Name":  "Device IP Interface 1 Name|param",
		`Device.X.[A=="1.2"&&B>3].Y.`: `Device X [A=="1.2"&&B>3] Y|obj`,
		`Device.X.[A=="]"].`:          `Device X [A=="]"]|obj`,
		"Device..X":                   "!",
		".Device":                     "!",
		"Device.X.[A==1":              "!",
		"Device.X.]":                  "!",
		"":                            "!",
		".":                           "!",
	} {
		segs, isObj, ok := splitPath(in)
		got := "!"
		if ok {
			got = strings.Join(segs, " ") + "|param"
			if isObj {
				got = strings.Join(segs, " ") + "|obj"
			}
		}
		if got != want {
			t.Errorf("splitPath(%q) = %s, want %s", in, got, want)
		}
	}
}
