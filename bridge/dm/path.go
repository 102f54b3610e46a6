package dm

// This file declares the parsed form of TR-181 / USP paths (TR-369 §2.5–2.7).
// The parser lives in parse.go.

// PathKind tells what a path addresses.
type PathKind int

// Path kinds (TR-369 §2.5).
const (
	PathObject  PathKind = iota // ends with "." : object, table, instance, partial path
	PathParam                   // ends with a parameter name
	PathCommand                 // ends with "Name()"
	PathEvent                   // ends with "Name!"
)

// SegKind is the kind of one dot-separated path segment.
type SegKind int

// Segment kinds.
const (
	SegName        SegKind = iota // an object, parameter, command or event name
	SegInstance                   // an instance number, e.g. "3" (Instance Number Addressing)
	SegWildcard                   // "*" (R-ARC.10)
	SegSearch                     // "[expr]": unique-key addressing or a search expression
	SegPlaceholder                // "{i}" in supported-data-model paths
)

// Segment is one element of a Path.
type Segment struct {
	Kind     SegKind
	Name     string     // SegName: the name, without "()" or "!"
	Instance int        // SegInstance: >= 1
	Expr     []Cond     // SegSearch: conditions, all of which must hold (&&)
	Ref      *RefFollow // SegName: non-nil when the name is followed by "+" (reference following)
}

// RefFollow is reference following on a parameter segment (TR-369 §2.6.1):
// "Param+" (Index 0), "Param#2+" (Index 2), "Param#*+" (Index -1).
type RefFollow struct {
	Index int
}

// Op is a search-expression operator (TR-369 §2.5.4).
type Op int

// Operators.
const (
	OpEq       Op = iota // ==
	OpNe                 // !=
	OpContains           // ~=  (list contains)
	OpLt                 // <
	OpGt                 // >
	OpLe                 // <=
	OpGe                 // >=
)

// Cond is one condition of a search expression: Param Op Value.
type Cond struct {
	// Param is the relative path of the parameter tested, e.g. ["Name"],
	// ["Stats", "ErrorsSent"] or, with reference following,
	// [SSIDReference+ , SSID].
	Param []Segment
	Op    Op
	// Value is the constant, unquoted and %-decoded.
	Value string
	// Quoted reports whether the constant was a double-quoted string.
	Quoted bool
}

// Path is a parsed path: "Device.IP.Interface.*.IPv4Address.[Enable==true].IPAddress"
// is the segments Device, IP, Interface, *, IPv4Address, [Enable==true],
// IPAddress with Kind PathParam.
type Path struct {
	Segments []Segment
	Kind     PathKind
}
