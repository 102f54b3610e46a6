package usp

import (
	"context"
	"fmt"
	"strings"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
)

// getSupportedDM answers a GetSupportedDM (TR-369 §7.5.3) from the engine's
// schema. obj_paths may be in supported notation ("X.{i}.Y."), omit the final
// "{i}." of a table ("X.{i}.Y."), or be instantiated paths ("X.1.Y."), which
// must exist. Parameter paths report their object with that one parameter.
// The schema has no commands or events yet, so none are reported.
func (a *Agent) getSupportedDM(ctx context.Context, g *uspmsg.GetSupportedDM) *uspmsg.GetSupportedDMResp {
	schema := a.engine.Schema()
	resp := &uspmsg.GetSupportedDMResp{ReqObjResults: make([]*uspmsg.GetSupportedDMResp_RequestedObjectResult, 0, len(g.GetObjPaths()))}
	for _, path := range g.GetObjPaths() {
		res := &uspmsg.GetSupportedDMResp_RequestedObjectResult{ReqObjPath: path}
		objs, err := a.supportedObjects(ctx, schema, path, g)
		if err != nil {
			res.ErrCode, res.ErrMsg = uint32(err.code), err.msg
			a.log.Debug("get supported dm failed", "path", path, "code", uint32(err.code), "err", err.msg)
		} else {
			res.DataModelInstUri = a.dmURI
			res.SupportedObjs = objs
		}
		resp.ReqObjResults = append(resp.ReqObjResults, res)
	}
	return resp
}

// codedError is a per-path failure with its USP code and peer-facing message.
type codedError struct {
	code ErrCode
	msg  string
}

func failf(code ErrCode, format string, args ...any) *codedError {
	return &codedError{code: code, msg: fmt.Sprintf(format, args...)}
}

func (a *Agent) supportedObjects(ctx context.Context, schema *dm.Schema, path string, g *uspmsg.GetSupportedDM) ([]*uspmsg.GetSupportedDMResp_SupportedObjectResult, *codedError) {
	if schema == nil {
		return nil, failf(ErrInternalError, "%s: supported data model unavailable", path)
	}
	p, err := parseSupportedPath(path)
	if err != nil {
		return nil, err
	}
	var (
		obj   *dm.ObjectSchema
		param *dm.ParamSchema
	)
	if p.param == "" {
		if o, ok := schema.Object(p.object); ok {
			obj = o
		} else if o, ok := schema.Object(p.object + "{i}."); ok && p.endsWithName {
			obj = o // a table named without its final "{i}."
		} else {
			obj = lookupObject(schema, p.object)
		}
		if obj == nil {
			return nil, failf(ErrInvalidPath, "%s: not in the supported data model", path)
		}
	} else {
		if strings.HasSuffix(p.param, "()") || strings.HasSuffix(p.param, "!") {
			return nil, failf(ErrInvalidPath, "%s: no such command or event in the supported data model", path)
		}
		if o, ok := schema.Object(p.object); ok {
			obj = o
			param, _ = o.Param(p.param)
		}
		if param == nil {
			return nil, failf(ErrInvalidPath, "%s: not in the supported data model", path)
		}
	}
	if p.instanceTable != "" {
		if err := a.checkInstanceExists(ctx, path, p); err != nil {
			return nil, err
		}
	}

	opts := detail{
		params:     g.GetReturnParams(),
		uniqueKeys: g.GetReturnUniqueKeySets(),
	}
	if param != nil {
		r := objectResult(obj, detail{uniqueKeys: opts.uniqueKeys})
		if opts.params {
			r.SupportedParams = []*uspmsg.GetSupportedDMResp_SupportedParamResult{paramResult(param)}
		}
		return []*uspmsg.GetSupportedDMResp_SupportedObjectResult{r}, nil
	}
	out := []*uspmsg.GetSupportedDMResp_SupportedObjectResult{objectResult(obj, opts)}
	if g.GetFirstLevelOnly() {
		// §7.5.3: children come without params, commands or events.
		for _, c := range children(schema, obj.Path) {
			out = append(out, objectResult(c, detail{uniqueKeys: opts.uniqueKeys}))
		}
		return out, nil
	}
	for _, d := range descendants(schema, obj.Path) {
		out = append(out, objectResult(d, opts))
	}
	return out, nil
}

// checkInstanceExists verifies that the deepest instance of an instantiated
// path exists: §7.5.3 accepts such paths "as long as the Object exists".
func (a *Agent) checkInstanceExists(ctx context.Context, path string, p supportedPath) *codedError {
	insts, err := a.engine.GetInstances(ctx, p.instanceTable, true)
	if err != nil {
		switch k := dm.KindOf(err); k {
		case dm.KindInvalidPath, dm.KindObjectNotFound:
			return failf(ErrObjectDoesNotExist, "%s: object %s does not exist", path, p.instancePath)
		default:
			code, msg := pathError(path, err)
			return &codedError{code: code, msg: msg}
		}
	}
	for _, in := range insts {
		if in.Path == p.instancePath {
			return nil
		}
	}
	return failf(ErrObjectDoesNotExist, "%s: object %s does not exist", path, p.instancePath)
}

// detail selects what objectResult fills in.
type detail struct {
	params     bool
	uniqueKeys bool
}

func objectResult(o *dm.ObjectSchema, d detail) *uspmsg.GetSupportedDMResp_SupportedObjectResult {
	r := &uspmsg.GetSupportedDMResp_SupportedObjectResult{
		SupportedObjPath: o.Path,
		Access:           objAccess(o),
		IsMultiInstance:  o.Multi,
	}
	if d.params {
		for i := range o.Params {
			r.SupportedParams = append(r.SupportedParams, paramResult(&o.Params[i]))
		}
	}
	if d.uniqueKeys && o.Multi {
		for _, k := range o.UniqueKeys {
			r.UniqueKeySets = append(r.UniqueKeySets,
				&uspmsg.GetSupportedDMResp_SupportedUniqueKeySet{KeyNames: append([]string(nil), k...)})
		}
	}
	return r
}

func paramResult(p *dm.ParamSchema) *uspmsg.GetSupportedDMResp_SupportedParamResult {
	vc := uspmsg.GetSupportedDMResp_VALUE_CHANGE_ALLOWED
	if p.Volatile {
		vc = uspmsg.GetSupportedDMResp_VALUE_CHANGE_WILL_IGNORE
	}
	return &uspmsg.GetSupportedDMResp_SupportedParamResult{
		ParamName:   p.Name,
		Access:      paramAccess(p.Access),
		ValueType:   valueType(p.Type),
		ValueChange: vc,
	}
}

// valueType maps a TR-106 type to GSDM's ParamValueType. A list is sent as
// one comma-separated string (TR-106 §3.2.3), so it is a string here.
func valueType(t dm.DataType) uspmsg.GetSupportedDMResp_ParamValueType {
	if t.List {
		return uspmsg.GetSupportedDMResp_PARAM_STRING
	}
	switch t.Base {
	case dm.TypeString:
		return uspmsg.GetSupportedDMResp_PARAM_STRING
	case dm.TypeBoolean:
		return uspmsg.GetSupportedDMResp_PARAM_BOOLEAN
	case dm.TypeInt:
		return uspmsg.GetSupportedDMResp_PARAM_INT
	case dm.TypeUnsignedInt:
		return uspmsg.GetSupportedDMResp_PARAM_UNSIGNED_INT
	case dm.TypeLong:
		return uspmsg.GetSupportedDMResp_PARAM_LONG
	case dm.TypeUnsignedLong:
		return uspmsg.GetSupportedDMResp_PARAM_UNSIGNED_LONG
	case dm.TypeDateTime:
		return uspmsg.GetSupportedDMResp_PARAM_DATE_TIME
	case dm.TypeBase64:
		return uspmsg.GetSupportedDMResp_PARAM_BASE_64
	case dm.TypeHexBinary:
		return uspmsg.GetSupportedDMResp_PARAM_HEX_BINARY
	case dm.TypeDecimal:
		return uspmsg.GetSupportedDMResp_PARAM_DECIMAL
	}
	return uspmsg.GetSupportedDMResp_PARAM_UNKNOWN
}

func paramAccess(a dm.ParamAccess) uspmsg.GetSupportedDMResp_ParamAccessType {
	switch a {
	case dm.ReadWrite:
		return uspmsg.GetSupportedDMResp_PARAM_READ_WRITE
	case dm.WriteOnly:
		return uspmsg.GetSupportedDMResp_PARAM_WRITE_ONLY
	}
	return uspmsg.GetSupportedDMResp_PARAM_READ_ONLY
}

// objAccess reports add/delete rights; single-instance objects are read-only.
func objAccess(o *dm.ObjectSchema) uspmsg.GetSupportedDMResp_ObjAccessType {
	if !o.Multi {
		return uspmsg.GetSupportedDMResp_OBJ_READ_ONLY
	}
	switch o.Access {
	case dm.ObjAddDelete:
		return uspmsg.GetSupportedDMResp_OBJ_ADD_DELETE
	case dm.ObjAddOnly:
		return uspmsg.GetSupportedDMResp_OBJ_ADD_ONLY
	case dm.ObjDeleteOnly:
		return uspmsg.GetSupportedDMResp_OBJ_DELETE_ONLY
	}
	return uspmsg.GetSupportedDMResp_OBJ_READ_ONLY
}

// lookupObject finds path in the schema, or synthesises a read-only object
// without parameters when path is only an ancestor of schema objects (a
// schema need not list every intermediate object, e.g. "Device.").
func lookupObject(s *dm.Schema, path string) *dm.ObjectSchema {
	if o, ok := s.Object(path); ok {
		return o
	}
	for _, o := range s.Objects {
		if len(o.Path) > len(path) && strings.HasPrefix(o.Path, path) {
			return &dm.ObjectSchema{Path: path}
		}
	}
	return nil
}

// descendants returns every object below path in schema order, with any
// intermediate object the schema omits synthesised before its first child.
func descendants(s *dm.Schema, path string) []*dm.ObjectSchema {
	var out []*dm.ObjectSchema
	emitted := map[string]bool{path: true}
	for _, o := range s.Objects {
		if !strings.HasPrefix(o.Path, path) || emitted[o.Path] {
			continue
		}
		for _, anc := range ancestorsBelow(o.Path, path) {
			if !emitted[anc] {
				emitted[anc] = true
				if so, ok := s.Object(anc); ok {
					out = append(out, so)
				} else {
					out = append(out, &dm.ObjectSchema{Path: anc})
				}
			}
		}
		emitted[o.Path] = true
		out = append(out, o)
	}
	return out
}

// children returns the objects one level below path, synthesising omitted
// intermediate objects.
func children(s *dm.Schema, path string) []*dm.ObjectSchema {
	var out []*dm.ObjectSchema
	seen := map[string]bool{}
	for _, o := range s.Objects {
		if !strings.HasPrefix(o.Path, path) || o.Path == path {
			continue
		}
		anc := ancestorsBelow(o.Path, path)
		child := o.Path
		if len(anc) > 0 {
			child = anc[0]
		}
		if seen[child] {
			continue
		}
		seen[child] = true
		if so, ok := s.Object(child); ok {
			out = append(out, so)
		} else {
			out = append(out, &dm.ObjectSchema{Path: child})
		}
	}
	return out
}

// ancestorsBelow lists the object paths strictly between top and p (both
// object paths, p below top), outermost first: for top "Device." and p
// "Device.IP.Interface.{i}.Stats." it is "Device.IP.",
// "Device.IP.Interface.{i}.".
func ancestorsBelow(p, top string) []string {
	var out []string
	rest := strings.TrimSuffix(p[len(top):], ".")
	cur := top
	segs := strings.Split(rest, ".")
	for i := 0; i < len(segs)-1; i++ {
		cur += segs[i] + "."
		if i+1 < len(segs) && segs[i+1] == "{i}" {
			cur += "{i}."
			i++
			if i == len(segs)-1 {
				break // that was p itself
			}
		}
		out = append(out, cur)
	}
	return out
}

// supportedPath is a GetSupportedDM path turned into supported notation.
type supportedPath struct {
	object       string // object path in {i} notation, trailing dot
	param        string // last segment of a non-object path ("" for objects)
	endsWithName bool   // the object path ends in a name, not an instance
	// For instantiated paths: the deepest numbered instance and its table,
	// whose existence is checked ("" when the path has no instance number).
	instancePath, instanceTable string
}

// parseSupportedPath converts path to supported notation: instance numbers,
// "*" and "[...]" become "{i}" (TR-369 §7.5.3, TR-106 §3.6.1).
func parseSupportedPath(path string) (supportedPath, *codedError) {
	var sp supportedPath
	segs, isObject, ok := splitPath(path)
	if !ok {
		return sp, failf(ErrInvalidPathSyntax, "%s: invalid path syntax", path)
	}
	last := len(segs)
	if !isObject {
		last--
		sp.param = segs[last]
		if !validName(strings.TrimSuffix(strings.TrimSuffix(sp.param, "()"), "!")) {
			return sp, failf(ErrInvalidPathSyntax, "%s: invalid path syntax at %q", path, sp.param)
		}
	}
	var b strings.Builder
	braces, onlyNumbers := false, true
	for i, s := range segs[:last] {
		switch {
		case isInstanceNumber(s):
			if braces {
				return sp, failf(ErrInvalidPathSyntax, "%s: instance number after {i}", path)
			}
			if onlyNumbers {
				sp.instanceTable = b.String()
				sp.instancePath = strings.Join(segs[:i+1], ".") + "."
			}
			b.WriteString("{i}.")
		case s == "{i}":
			braces = true
			b.WriteString("{i}.")
		case s == "*", strings.HasPrefix(s, "["):
			onlyNumbers = false
			b.WriteString("{i}.")
		case validName(s):
			b.WriteString(s)
			b.WriteByte('.')
		case strings.HasSuffix(s, "+") || strings.Contains(s, "#"):
			return sp, failf(ErrInvalidPath, "%s: reference following is not supported in GetSupportedDM", path)
		default:
			return sp, failf(ErrInvalidPathSyntax, "%s: invalid path syntax at %q", path, s)
		}
		if i == 0 && s != "Device" {
			return sp, failf(ErrInvalidPath, "%s: not in the supported data model", path)
		}
	}
	sp.object = b.String()
	sp.endsWithName = last > 0 && validName(segs[last-1])
	return sp, nil
}

// splitPath splits a path at the dots outside "[...]" (search expressions may
// hold dots in quoted strings). isObject reports a trailing dot. ok is false
// for empty segments or unbalanced brackets and quotes.
func splitPath(p string) (segs []string, isObject, ok bool) {
	if p == "" {
		return nil, false, false
	}
	start, depth, quoted := 0, 0, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case quoted:
			if c == '"' {
				quoted = false
			}
		case c == '"' && depth > 0:
			quoted = true
		case c == '[':
			depth++
		case c == ']':
			if depth == 0 {
				return nil, false, false
			}
			depth--
		case c == '.' && depth == 0:
			if i == start {
				return nil, false, false
			}
			segs = append(segs, p[start:i])
			start = i + 1
		}
	}
	if depth != 0 || quoted {
		return nil, false, false
	}
	if start == len(p) {
		return segs, true, len(segs) > 0
	}
	return append(segs, p[start:]), false, true
}

func isInstanceNumber(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validName reports whether s is a TR-106 name: a letter or "_" followed by
// letters, digits, "_" and "-".
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}
