package usp

import (
	"context"
	"fmt"
	"math"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
)

// dispatch answers one request Message (TR-369 §7). It always returns a
// response or an Error Msg carrying msgID.
func (a *Agent) dispatch(ctx context.Context, msgID, from string, req *uspmsg.Request) *uspmsg.Msg {
	switch r := req.GetReqType().(type) {
	case *uspmsg.Request_Get:
		return responseMsg(msgID, uspmsg.Header_GET_RESP,
			&uspmsg.Response{RespType: &uspmsg.Response_GetResp{GetResp: a.get(ctx, r.Get)}})
	case *uspmsg.Request_GetInstances:
		return responseMsg(msgID, uspmsg.Header_GET_INSTANCES_RESP,
			&uspmsg.Response{RespType: &uspmsg.Response_GetInstancesResp{GetInstancesResp: a.getInstances(ctx, r.GetInstances)}})
	case *uspmsg.Request_GetSupportedDm:
		return responseMsg(msgID, uspmsg.Header_GET_SUPPORTED_DM_RESP,
			&uspmsg.Response{RespType: &uspmsg.Response_GetSupportedDmResp{GetSupportedDmResp: a.getSupportedDM(ctx, r.GetSupportedDm)}})
	case *uspmsg.Request_GetSupportedProtocol:
		// §7.5.4: the Controller's list needs no answer beyond ours.
		a.log.Debug("controller protocol versions", "from", from,
			"versions", r.GetSupportedProtocol.GetControllerSupportedProtocolVersions())
		return responseMsg(msgID, uspmsg.Header_GET_SUPPORTED_PROTO_RESP,
			&uspmsg.Response{RespType: &uspmsg.Response_GetSupportedProtocolResp{
				GetSupportedProtocolResp: &uspmsg.GetSupportedProtocolResp{AgentSupportedProtocolVersions: SupportedVersions},
			}})
	}
	// R-MSG.1: Set, Add, Delete, Operate (later work), and Notify/Register,
	// which a Controller does not send to an Agent.
	return errorMsg(msgID, ErrMessageNotSupported, fmt.Sprintf("%s not supported by this agent", requestName(req)))
}

// get answers a Get (TR-369 §7.5.1): one RequestedPathResult per param_path,
// one ResolvedPathResult per object the engine returns (sub-objects each get
// their own, as the 1.2+ examples show), parameter names relative.
func (a *Agent) get(ctx context.Context, g *uspmsg.Get) *uspmsg.GetResp {
	depth := int(min(g.GetMaxDepth(), math.MaxInt32))
	resp := &uspmsg.GetResp{ReqPathResults: make([]*uspmsg.GetResp_RequestedPathResult, 0, len(g.GetParamPaths()))}
	for _, path := range g.GetParamPaths() {
		res := &uspmsg.GetResp_RequestedPathResult{RequestedPath: path}
		objs, err := a.engine.Get(ctx, path, depth)
		if err != nil {
			code, msg := pathError(path, err)
			res.ErrCode, res.ErrMsg = uint32(code), msg
			a.log.Debug("get failed", "path", path, "code", uint32(code), "err", err)
		}
		for _, o := range objs {
			params := make(map[string]string, len(o.Params))
			for _, p := range o.Params {
				params[p.Name] = p.Value
			}
			res.ResolvedPathResults = append(res.ResolvedPathResults,
				&uspmsg.GetResp_ResolvedPathResult{ResolvedPath: o.Path, ResultParams: params})
		}
		if err != nil {
			res.ResolvedPathResults = nil
		}
		resp.ReqPathResults = append(resp.ReqPathResults, res)
	}
	return resp
}

// getInstances answers a GetInstances (TR-369 §7.5.2).
func (a *Agent) getInstances(ctx context.Context, g *uspmsg.GetInstances) *uspmsg.GetInstancesResp {
	resp := &uspmsg.GetInstancesResp{ReqPathResults: make([]*uspmsg.GetInstancesResp_RequestedPathResult, 0, len(g.GetObjPaths()))}
	for _, path := range g.GetObjPaths() {
		res := &uspmsg.GetInstancesResp_RequestedPathResult{RequestedPath: path}
		insts, err := a.engine.GetInstances(ctx, path, g.GetFirstLevelOnly())
		if err != nil {
			code, msg := pathError(path, err)
			res.ErrCode, res.ErrMsg = uint32(code), msg
			a.log.Debug("get instances failed", "path", path, "code", uint32(code), "err", err)
			insts = nil
		}
		for _, in := range insts {
			keys := make(map[string]string, len(in.UniqueKeys))
			for _, k := range in.UniqueKeys {
				keys[k.Name] = k.Value
			}
			res.CurrInsts = append(res.CurrInsts,
				&uspmsg.GetInstancesResp_CurrInstance{InstantiatedObjPath: in.Path, UniqueKeys: keys})
		}
		resp.ReqPathResults = append(resp.ReqPathResults, res)
	}
	return resp
}

func responseMsg(msgID string, t uspmsg.Header_MsgType, r *uspmsg.Response) *uspmsg.Msg {
	return &uspmsg.Msg{
		Header: &uspmsg.Header{MsgId: msgID, MsgType: t},
		Body:   &uspmsg.Body{MsgBody: &uspmsg.Body_Response{Response: r}},
	}
}

func errorMsg(msgID string, code ErrCode, msg string) *uspmsg.Msg {
	return &uspmsg.Msg{
		Header: &uspmsg.Header{MsgId: msgID, MsgType: uspmsg.Header_ERROR},
		Body:   &uspmsg.Body{MsgBody: &uspmsg.Body_Error{Error: &uspmsg.Error{ErrCode: uint32(code), ErrMsg: msg}}},
	}
}

// requestName names a request for error messages, e.g. "Set".
func requestName(req *uspmsg.Request) string {
	switch req.GetReqType().(type) {
	case *uspmsg.Request_Set:
		return "Set"
	case *uspmsg.Request_Add:
		return "Add"
	case *uspmsg.Request_Delete:
		return "Delete"
	case *uspmsg.Request_Operate:
		return "Operate"
	case *uspmsg.Request_Notify:
		return "Notify"
	case *uspmsg.Request_Register:
		return "Register"
	case *uspmsg.Request_Deregister:
		return "Deregister"
	}
	return "request"
}
