package controller

import (
	"fmt"
	"sort"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/usp"
)

// Param is a name and a value: a parameter relative to its object, or a
// unique key.
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Object is one resolved object of a Get: its path and its parameters,
// sorted by name.
type Object struct {
	Path   string  `json:"path"`
	Params []Param `json:"params"`
}

// GetResult is the outcome for one requested path of a Get.
type GetResult struct {
	RequestedPath string      `json:"requested_path"`
	ErrCode       usp.ErrCode `json:"err_code,omitempty"`
	ErrMsg        string      `json:"err_msg,omitempty"`
	Resolved      []Object    `json:"resolved"`
}

// Err returns the per-path failure as an *Error, or nil.
func (r GetResult) Err() error { return pathErr(r.ErrCode, r.ErrMsg) }

// Instance is one object instance with its unique keys, sorted by name.
type Instance struct {
	Path       string  `json:"path"`
	UniqueKeys []Param `json:"unique_keys"`
}

// InstancesResult is the outcome for one requested path of a GetInstances.
type InstancesResult struct {
	RequestedPath string      `json:"requested_path"`
	ErrCode       usp.ErrCode `json:"err_code,omitempty"`
	ErrMsg        string      `json:"err_msg,omitempty"`
	Instances     []Instance  `json:"instances"`
}

// Err returns the per-path failure as an *Error, or nil.
func (r InstancesResult) Err() error { return pathErr(r.ErrCode, r.ErrMsg) }

// SupportedDMResult is the outcome for one requested path of a GetSupportedDM.
type SupportedDMResult struct {
	RequestedPath string            `json:"requested_path"`
	ErrCode       usp.ErrCode       `json:"err_code,omitempty"`
	ErrMsg        string            `json:"err_msg,omitempty"`
	DataModelURI  string            `json:"data_model_inst_uri,omitempty"`
	Objects       []SupportedObject `json:"supported_objs"`
}

// Err returns the per-path failure as an *Error, or nil.
func (r SupportedDMResult) Err() error { return pathErr(r.ErrCode, r.ErrMsg) }

// SupportedObject describes one object of the supported data model. Enum
// values are spelled as TR-106 does: Access "readOnly", "addDelete",
// "addOnly", "deleteOnly".
type SupportedObject struct {
	Path           string             `json:"supported_obj_path"`
	Access         string             `json:"access"`
	MultiInstance  bool               `json:"is_multi_instance"`
	Params         []SupportedParam   `json:"supported_params,omitempty"`
	Commands       []SupportedCommand `json:"supported_commands,omitempty"`
	Events         []SupportedEvent   `json:"supported_events,omitempty"`
	UniqueKeySets  [][]string         `json:"unique_key_sets,omitempty"`
	DivergentPaths []string           `json:"divergent_paths,omitempty"`
}

// SupportedParam describes one parameter: Access "readOnly", "readWrite" or
// "writeOnly"; Type a TR-106 base type ("unsignedInt", ...); ValueChange
// "allowed", "willIgnore" or "unknown".
type SupportedParam struct {
	Name        string `json:"param_name"`
	Access      string `json:"access"`
	Type        string `json:"value_type"`
	ValueChange string `json:"value_change"`
}

// SupportedCommand describes one command; Type is "sync", "async" or "unknown".
type SupportedCommand struct {
	Name    string   `json:"command_name"`
	Type    string   `json:"command_type"`
	Inputs  []string `json:"input_arg_names,omitempty"`
	Outputs []string `json:"output_arg_names,omitempty"`
}

// SupportedEvent describes one event.
type SupportedEvent struct {
	Name string   `json:"event_name"`
	Args []string `json:"arg_names,omitempty"`
}

func pathErr(code usp.ErrCode, msg string) error {
	if code == 0 {
		return nil
	}
	return &Error{Code: code, Message: msg}
}

// params turns a protobuf map into a slice sorted by name.
func params(m map[string]string) []Param {
	out := make([]Param, 0, len(m))
	for k, v := range m {
		out = append(out, Param{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func getResults(r *uspmsg.GetResp) []GetResult {
	out := make([]GetResult, 0, len(r.GetReqPathResults()))
	for _, p := range r.GetReqPathResults() {
		res := GetResult{RequestedPath: p.GetRequestedPath(), ErrCode: usp.ErrCode(p.GetErrCode()), ErrMsg: p.GetErrMsg(), Resolved: []Object{}}
		for _, o := range p.GetResolvedPathResults() {
			res.Resolved = append(res.Resolved, Object{Path: o.GetResolvedPath(), Params: params(o.GetResultParams())})
		}
		out = append(out, res)
	}
	return out
}

func instancesResults(r *uspmsg.GetInstancesResp) []InstancesResult {
	out := make([]InstancesResult, 0, len(r.GetReqPathResults()))
	for _, p := range r.GetReqPathResults() {
		res := InstancesResult{RequestedPath: p.GetRequestedPath(), ErrCode: usp.ErrCode(p.GetErrCode()), ErrMsg: p.GetErrMsg(), Instances: []Instance{}}
		for _, in := range p.GetCurrInsts() {
			res.Instances = append(res.Instances, Instance{Path: in.GetInstantiatedObjPath(), UniqueKeys: params(in.GetUniqueKeys())})
		}
		out = append(out, res)
	}
	return out
}

func supportedDMResults(r *uspmsg.GetSupportedDMResp) []SupportedDMResult {
	out := make([]SupportedDMResult, 0, len(r.GetReqObjResults()))
	for _, p := range r.GetReqObjResults() {
		res := SupportedDMResult{RequestedPath: p.GetReqObjPath(), ErrCode: usp.ErrCode(p.GetErrCode()), ErrMsg: p.GetErrMsg(),
			DataModelURI: p.GetDataModelInstUri(), Objects: []SupportedObject{}}
		for _, o := range p.GetSupportedObjs() {
			so := SupportedObject{Path: o.GetSupportedObjPath(), Access: objAccess(o.GetAccess()),
				MultiInstance: o.GetIsMultiInstance(), DivergentPaths: o.GetDivergentPaths()}
			for _, pr := range o.GetSupportedParams() {
				so.Params = append(so.Params, SupportedParam{Name: pr.GetParamName(), Access: paramAccess(pr.GetAccess()),
					Type: valueType(pr.GetValueType()), ValueChange: valueChange(pr.GetValueChange())})
			}
			for _, c := range o.GetSupportedCommands() {
				so.Commands = append(so.Commands, SupportedCommand{Name: c.GetCommandName(), Type: cmdType(c.GetCommandType()),
					Inputs: c.GetInputArgNames(), Outputs: c.GetOutputArgNames()})
			}
			for _, e := range o.GetSupportedEvents() {
				so.Events = append(so.Events, SupportedEvent{Name: e.GetEventName(), Args: e.GetArgNames()})
			}
			for _, k := range o.GetUniqueKeySets() {
				so.UniqueKeySets = append(so.UniqueKeySets, k.GetKeyNames())
			}
			res.Objects = append(res.Objects, so)
		}
		out = append(out, res)
	}
	return out
}

func objAccess(a uspmsg.GetSupportedDMResp_ObjAccessType) string {
	switch a {
	case uspmsg.GetSupportedDMResp_OBJ_READ_ONLY:
		return "readOnly"
	case uspmsg.GetSupportedDMResp_OBJ_ADD_DELETE:
		return "addDelete"
	case uspmsg.GetSupportedDMResp_OBJ_ADD_ONLY:
		return "addOnly"
	case uspmsg.GetSupportedDMResp_OBJ_DELETE_ONLY:
		return "deleteOnly"
	}
	return fmt.Sprintf("access(%d)", int32(a))
}

func paramAccess(a uspmsg.GetSupportedDMResp_ParamAccessType) string {
	switch a {
	case uspmsg.GetSupportedDMResp_PARAM_READ_ONLY:
		return "readOnly"
	case uspmsg.GetSupportedDMResp_PARAM_READ_WRITE:
		return "readWrite"
	case uspmsg.GetSupportedDMResp_PARAM_WRITE_ONLY:
		return "writeOnly"
	}
	return fmt.Sprintf("access(%d)", int32(a))
}

func valueType(t uspmsg.GetSupportedDMResp_ParamValueType) string {
	switch t {
	case uspmsg.GetSupportedDMResp_PARAM_BASE_64:
		return "base64"
	case uspmsg.GetSupportedDMResp_PARAM_BOOLEAN:
		return "boolean"
	case uspmsg.GetSupportedDMResp_PARAM_DATE_TIME:
		return "dateTime"
	case uspmsg.GetSupportedDMResp_PARAM_DECIMAL:
		return "decimal"
	case uspmsg.GetSupportedDMResp_PARAM_HEX_BINARY:
		return "hexBinary"
	case uspmsg.GetSupportedDMResp_PARAM_INT:
		return "int"
	case uspmsg.GetSupportedDMResp_PARAM_LONG:
		return "long"
	case uspmsg.GetSupportedDMResp_PARAM_STRING:
		return "string"
	case uspmsg.GetSupportedDMResp_PARAM_UNSIGNED_INT:
		return "unsignedInt"
	case uspmsg.GetSupportedDMResp_PARAM_UNSIGNED_LONG:
		return "unsignedLong"
	}
	return "unknown"
}

func valueChange(v uspmsg.GetSupportedDMResp_ValueChangeType) string {
	switch v {
	case uspmsg.GetSupportedDMResp_VALUE_CHANGE_ALLOWED:
		return "allowed"
	case uspmsg.GetSupportedDMResp_VALUE_CHANGE_WILL_IGNORE:
		return "willIgnore"
	}
	return "unknown"
}

func cmdType(c uspmsg.GetSupportedDMResp_CmdType) string {
	switch c {
	case uspmsg.GetSupportedDMResp_CMD_SYNC:
		return "sync"
	case uspmsg.GetSupportedDMResp_CMD_ASYNC:
		return "async"
	}
	return "unknown"
}
