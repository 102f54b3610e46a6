// Package wire holds the USP encoding rules shared by the Agent (package usp)
// and the Controller client (package usp/controller): Record and Msg
// encoding, the R-ENC.2/3 checks that protobuf decoding alone does not make,
// and lenient extraction of a Msg header from a payload that does not decode
// (R-MTP.5). It imports the generated code in proto/gen and nothing of ours
// besides.
package wire

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
)

// EncodeMsgRecord wraps msg in a NoSessionContext Record (TR-369 §4.1.3)
// from from to to, stamped with version.
func EncodeMsgRecord(version, to, from string, msg *uspmsg.Msg) ([]byte, error) {
	payload, err := proto.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("encode msg: %w", err)
	}
	rec := &usprecord.Record{
		Version: version,
		ToId:    to,
		FromId:  from,
		RecordType: &usprecord.Record_NoSessionContext{
			NoSessionContext: &usprecord.NoSessionContextRecord{Payload: payload},
		},
	}
	b, err := proto.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return b, nil
}

// ViolationError reports a message that decodes but breaks a TR-369 encoding
// rule: a oneof without exactly one member (R-ENC.3) or an enumeration value
// the schema does not know (R-ENC.2).
type ViolationError struct {
	Field string // full name of the oneof or enum field, e.g. "usp.Body.msg_body"
	Rule  string // "R-ENC.2" or "R-ENC.3"
	Msg   string
}

// Error names the field, the problem and the rule.
func (e *ViolationError) Error() string {
	return fmt.Sprintf("%s: %s (%s)", e.Field, e.Msg, e.Rule)
}

// errTruncated is returned by Check for bytes that are not valid protobuf
// wire format; proto.Unmarshal reports the same input as an error too.
var errTruncated = errors.New("invalid protobuf wire format")

// Check walks b, encoded as md, and reports the first violation of R-ENC.3
// (every oneof of every present message holds exactly one member) or R-ENC.2
// (no unknown enum value in a known field). Unknown fields are skipped, as
// proto3 requires. protobuf decoding alone cannot see either problem: it
// keeps the last oneof member and accepts any enum number.
func Check(b []byte, md protoreflect.MessageDescriptor) error {
	return check(b, md, 0)
}

// maxDepth bounds recursion; the USP schemas nest less than 10 levels.
const maxDepth = 32

func check(b []byte, md protoreflect.MessageDescriptor, depth int) error {
	if depth > maxDepth {
		return errTruncated
	}
	oneofs := md.Oneofs()
	// seen[i] is the field number first seen for oneof i (0: none yet).
	var seenBuf [4]protowire.Number
	seen := seenBuf[:0]
	for range oneofs.Len() {
		seen = append(seen, 0)
	}
	var merged []singular
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		fd := md.Fields().ByNumber(num)
		var val []byte
		var varint uint64
		switch typ {
		case protowire.BytesType:
			val, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			varint, n = protowire.ConsumeVarint(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		if fd == nil {
			continue // unknown field: ignored (proto3)
		}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			i := od.Index()
			if seen[i] != 0 && seen[i] != num {
				return &ViolationError{Field: string(od.FullName()), Rule: "R-ENC.3",
					Msg: fmt.Sprintf("more than one member (%s and %s)",
						md.Fields().ByNumber(seen[i]).Name(), fd.Name())}
			}
			seen[i] = num
		}
		switch fd.Kind() {
		case protoreflect.MessageKind:
			if typ != protowire.BytesType {
				continue // wrong wire type: proto.Unmarshal rejects it
			}
			if fd.Cardinality() == protoreflect.Repeated {
				if err := check(val, fd.Message(), depth+1); err != nil {
					return err
				}
				continue
			}
			// A singular message seen twice is merged by the decoder, so
			// check the concatenation: {request} then {error} is two members.
			merged = appendSingular(merged, fd, val)
		case protoreflect.EnumKind:
			if err := checkEnum(fd, typ, varint, val); err != nil {
				return err
			}
		}
	}
	for _, m := range merged {
		if err := check(m.buf, m.fd.Message(), depth+1); err != nil {
			return err
		}
	}
	for i := range oneofs.Len() {
		if seen[i] == 0 {
			od := oneofs.Get(i)
			return &ViolationError{Field: string(od.FullName()), Rule: "R-ENC.3", Msg: "no member set"}
		}
	}
	return nil
}

// singular collects the bytes of every occurrence of one singular message field.
type singular struct {
	fd    protoreflect.FieldDescriptor
	buf   []byte
	owned bool // buf is our copy, not a window into the input
}

func appendSingular(ms []singular, fd protoreflect.FieldDescriptor, val []byte) []singular {
	for i := range ms {
		if ms[i].fd == fd {
			if !ms[i].owned {
				ms[i].buf, ms[i].owned = append([]byte(nil), ms[i].buf...), true
			}
			ms[i].buf = append(ms[i].buf, val...)
			return ms
		}
	}
	return append(ms, singular{fd: fd, buf: val})
}

func checkEnum(fd protoreflect.FieldDescriptor, typ protowire.Type, v uint64, packed []byte) error {
	known := func(v uint64) error {
		if fd.Enum().Values().ByNumber(protoreflect.EnumNumber(int32(v))) == nil {
			return &ViolationError{Field: string(fd.FullName()), Rule: "R-ENC.2",
				Msg: fmt.Sprintf("unknown enumeration value %d", int32(v))}
		}
		return nil
	}
	switch typ {
	case protowire.VarintType:
		return known(v)
	case protowire.BytesType: // packed repeated enum
		for len(packed) > 0 {
			x, n := protowire.ConsumeVarint(packed)
			if n < 0 {
				return errTruncated
			}
			if err := known(x); err != nil {
				return err
			}
			packed = packed[n:]
		}
	}
	return nil
}

// Header is what PeekHeader could read of a Msg.
type Header struct {
	MsgID   string
	MsgType uspmsg.Header_MsgType
	// HasType reports whether msg_type was present on the wire.
	HasType bool
}

// PeekHeader reads the header of an encoded usp.Msg without decoding the
// rest, so that an Agent can still answer a Msg whose body is broken (R-MTP.5
// needs the msg_id). ok is false when no msg_id could be found.
func PeekHeader(payload []byte) (h Header, ok bool) {
	hdr, found := field(payload, 1, protowire.BytesType)
	if !found {
		return h, false
	}
	for len(hdr) > 0 {
		num, typ, n := protowire.ConsumeTag(hdr)
		if n < 0 {
			break
		}
		hdr = hdr[n:]
		switch {
		case num == 1 && typ == protowire.BytesType:
			v, m := protowire.ConsumeBytes(hdr)
			if m < 0 {
				return h, h.MsgID != ""
			}
			if utf8.Valid(v) {
				h.MsgID = string(v)
			}
			n = m
		case num == 2 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(hdr)
			if m < 0 {
				return h, h.MsgID != ""
			}
			h.MsgType, h.HasType = uspmsg.Header_MsgType(int32(v)), true
			n = m
		default:
			n = protowire.ConsumeFieldValue(num, typ, hdr)
			if n < 0 {
				return h, h.MsgID != ""
			}
		}
		hdr = hdr[n:]
	}
	return h, h.MsgID != ""
}

// field returns the last occurrence of field num with wire type typ in b,
// stopping quietly at the first malformed byte.
func field(b []byte, num protowire.Number, typ protowire.Type) (val []byte, found bool) {
	for len(b) > 0 {
		n, t, l := protowire.ConsumeTag(b)
		if l < 0 {
			return val, found
		}
		b = b[l:]
		if n == num && t == typ && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return val, found
			}
			val, found = v, true
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(n, t, b)
		if m < 0 {
			return val, found
		}
		b = b[m:]
	}
	return val, found
}

// IsRequestType reports whether t names a request Message (one an Endpoint
// must answer; R-MTP.5 forbids answering Responses and Errors).
func IsRequestType(t uspmsg.Header_MsgType) bool {
	switch t {
	case uspmsg.Header_GET, uspmsg.Header_SET, uspmsg.Header_OPERATE, uspmsg.Header_ADD,
		uspmsg.Header_DELETE, uspmsg.Header_GET_SUPPORTED_DM, uspmsg.Header_GET_INSTANCES,
		uspmsg.Header_NOTIFY, uspmsg.Header_GET_SUPPORTED_PROTO, uspmsg.Header_REGISTER,
		uspmsg.Header_DEREGISTER:
		return true
	}
	return false
}

// PeekRecord reads to_id, from_id and the NoSessionContext payload of a
// Record that does not decode, so that R-MTP.5 can still be applied: an Error
// goes back only when both IDs and a request's msg_id can be found.
func PeekRecord(data []byte) (to, from string, payload []byte) {
	if v, ok := field(data, 2, protowire.BytesType); ok && utf8.Valid(v) {
		to = string(v)
	}
	if v, ok := field(data, 3, protowire.BytesType); ok && utf8.Valid(v) {
		from = string(v)
	}
	if nsc, ok := field(data, 7, protowire.BytesType); ok {
		payload, _ = field(nsc, 2, protowire.BytesType)
	}
	return to, from, payload
}
