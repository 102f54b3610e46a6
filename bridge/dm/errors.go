package dm

import (
	"errors"
	"fmt"
)

// Kind is a protocol-neutral error class. The USP front maps it to a 7xxx
// error code and the CWMP front to a 9xxx fault, each with exactly one table.
type Kind int

// Error kinds. The comment gives the USP code (TR-369 §7.8) and the CWMP fault
// (TR-069 Table A.5) each front is expected to use.
const (
	KindInternal          Kind = iota // 7003 Internal error / 9002
	KindInvalidPathSyntax             // 7008 Invalid path syntax / 9005
	KindInvalidPath                   // 7026 Invalid path (not in the supported or instantiated model) / 9005
	KindObjectNotFound                // 7016 Object does not exist / 9005
	KindNotATable                     // 7018 Object is not a table / 9005
	KindInvalidArguments              // 7004 Invalid arguments / 9003
	KindInvalidType                   // 7011 Invalid type / 9006
	KindInvalidValue                  // 7012 Invalid value / 9007
	KindNotWritable                   // 7013 Non-writable parameter / 9008
	KindPermissionDenied              // 7006 Permission denied / 9001
	KindResourcesExceeded             // 7005 Resources exceeded / 9004
	KindDeviceUnavailable             // 7002 Request denied: the router cannot be reached / 9002
)

var kindNames = [...]string{
	KindInternal:          "internal error",
	KindInvalidPathSyntax: "invalid path syntax",
	KindInvalidPath:       "invalid path",
	KindObjectNotFound:    "object does not exist",
	KindNotATable:         "object is not a table",
	KindInvalidArguments:  "invalid arguments",
	KindInvalidType:       "invalid type",
	KindInvalidValue:      "invalid value",
	KindNotWritable:       "parameter is not writable",
	KindPermissionDenied:  "permission denied",
	KindResourcesExceeded: "resources exceeded",
	KindDeviceUnavailable: "device unavailable",
}

func (k Kind) String() string {
	if int(k) >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is an error of a given Kind about a path. Msg is what the peer (a USP
// Controller or an ACS) sees; Err is the internal cause, for logs only.
type Error struct {
	Kind Kind
	Path string // the path or parameter the error is about; may be empty
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	s := e.Msg
	if s == "" {
		s = e.Kind.String()
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k about path with a formatted message.
func Errorf(k Kind, path, format string, args ...any) *Error {
	return &Error{Kind: k, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the Kind of err: the Kind of the first *Error in its chain,
// else KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Message returns the peer-facing message of err: Msg of the first *Error in
// its chain (internal causes stay out), else a generic text for its kind.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Msg != "" {
		return e.Msg
	}
	return KindOf(err).String()
}
