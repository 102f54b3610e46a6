package dm

import "strings"

// BaseType is a TR-106 primitive data type (TR-106 Amendment 8 §3.2). USP
// sends every value as a string in the type's lexical form (TR-369 R-ENC.6).
type BaseType int

// TR-106 base types. The numbering is ours; fronts translate it.
const (
	TypeString BaseType = iota
	TypeBoolean
	TypeInt          // 32-bit signed
	TypeUnsignedInt  // 32-bit unsigned
	TypeLong         // 64-bit signed
	TypeUnsignedLong // 64-bit unsigned
	TypeDateTime     // ISO 8601, UTC "Z" form
	TypeBase64
	TypeHexBinary
	TypeDecimal
)

var baseTypeNames = [...]string{
	TypeString: "string", TypeBoolean: "boolean", TypeInt: "int", TypeUnsignedInt: "unsignedInt",
	TypeLong: "long", TypeUnsignedLong: "unsignedLong", TypeDateTime: "dateTime",
	TypeBase64: "base64", TypeHexBinary: "hexBinary", TypeDecimal: "decimal",
}

// String returns the TR-106 spelling ("unsignedInt", "dateTime", ...), which is
// also the CWMP xsd type name without its "xsd:" prefix.
func (t BaseType) String() string {
	if int(t) >= 0 && int(t) < len(baseTypeNames) {
		return baseTypeNames[t]
	}
	return "unknown"
}

// DataType is a parameter's type as TR-181 declares it: a base type, an
// optional TR-106 named data type that narrows it (IPv4Address, MACAddress,
// Alias, ...), an optional list flag, and facets.
type DataType struct {
	Base  BaseType
	Named string // TR-106 named type, e.g. "IPv4Address"; "" when none
	List  bool   // comma-separated list of Base values (TR-106 §3.2.3)
	// Facets. Zero values mean "no constraint".
	MaxLen int      // string: maximum length in characters
	Min    *int64   // numeric: inclusive range
	Max    *int64   // numeric: inclusive range
	Enum   []string // string: allowed values
}

// String returns the type as the BBF tables spell it: "unsignedInt",
// "string(IPv4Address)", "list:string".
func (t DataType) String() string {
	s := t.Base.String()
	if t.Named != "" {
		s += "(" + t.Named + ")"
	}
	if t.List {
		s = "list:" + s
	}
	return s
}

// ParamAccess is who may write a parameter (TR-369 GSDM ParamAccessType).
type ParamAccess int

// Parameter access values.
const (
	ReadOnly ParamAccess = iota
	ReadWrite
	WriteOnly // secrets: reads return an empty string
)

// ObjectAccess says whether instances of a table may be added or deleted
// (TR-369 GSDM ObjAccessType).
type ObjectAccess int

// Object access values.
const (
	ObjReadOnly ObjectAccess = iota
	ObjAddDelete
	ObjAddOnly
	ObjDeleteOnly
)

// ParamSchema describes one parameter of an object.
type ParamSchema struct {
	Name   string // e.g. "IPAddress"
	Type   DataType
	Access ParamAccess
	// Volatile marks values that change on their own (counters, UpTime,
	// CPUUsage). Fronts exclude them from value-change detection unless asked.
	Volatile bool
	// Source documents where the value comes from, e.g. "/ip/address address".
	Source string
}

// ObjectSchema describes one object of the supported data model.
type ObjectSchema struct {
	// Path in supported-data-model notation: "Device.IP.Interface.{i}.".
	Path       string
	Multi      bool // a table: its path ends in "{i}."
	Access     ObjectAccess
	UniqueKeys [][]string // each inner slice is one key (TR-181 uniqueKey), e.g. [["Alias"], ["Name"]]
	Params     []ParamSchema
}

// Param returns the schema of the named parameter and whether it exists.
func (o *ObjectSchema) Param(name string) (*ParamSchema, bool) {
	for i := range o.Params {
		if o.Params[i].Name == name {
			return &o.Params[i], true
		}
	}
	return nil, false
}

// Schema is a supported data model: objects in path order, parents before
// children.
type Schema struct {
	Objects []*ObjectSchema
	byPath  map[string]*ObjectSchema
}

// NewSchema indexes objs. Paths must be in supported-data-model notation.
func NewSchema(objs []*ObjectSchema) *Schema {
	s := &Schema{Objects: objs, byPath: make(map[string]*ObjectSchema, len(objs))}
	for _, o := range objs {
		s.byPath[o.Path] = o
	}
	return s
}

// Object returns the object with the given supported-data-model path.
func (s *Schema) Object(path string) (*ObjectSchema, bool) {
	o, ok := s.byPath[path]
	return o, ok
}

// Children returns the objects whose parent is path (one level down), in
// schema order. For a table "X.{i}." children are "X.{i}.Y." and "X.{i}.Y.{i}.".
func (s *Schema) Children(path string) []*ObjectSchema {
	var out []*ObjectSchema
	for _, o := range s.Objects {
		if o.Path != path && ParentObject(o.Path) == path {
			out = append(out, o)
		}
	}
	return out
}

// ParentObject returns the supported-data-model path of the object containing
// path: "Device.IP.Interface.{i}.IPv4Address.{i}." → "Device.IP.Interface.{i}.",
// "Device.DeviceInfo.MemoryStatus." → "Device.DeviceInfo.". "Device." has no
// parent and yields "".
func ParentObject(path string) string {
	p := strings.TrimSuffix(path, ".")
	p = strings.TrimSuffix(p, ".{i}")
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		return ""
	}
	return p[:i+1]
}
