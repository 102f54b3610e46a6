package dm

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Check reports whether c is a well-typed condition on a parameter of type t
// (TR-369 §2.5.4). Constants of string types (named types included) are
// double-quoted and others are not: `[Enable=="true"]` is invalid; hexBinary
// and base64 constants may be either. Ordering operators apply only to
// numbers and dateTimes, and not to the Unknown Time. "~=" applies only to
// lists and tests one item, so its constant has the item type; a whole list
// compares as a quoted string with == or !=. The constant must be lexically
// valid for its type; facets are not applied (a constant out of range just
// matches nothing). Errors are *Error of KindInvalidPathSyntax quoting c.
func (c Cond) Check(t DataType) error {
	item := t
	item.List, item.MaxLen = false, 0
	switch {
	case c.Op == OpContains:
		if !t.List {
			return c.errf("~= applies only to list parameters, not %s", t)
		}
		return c.checkConst(item)
	case t.List:
		if c.Op != OpEq && c.Op != OpNe {
			return c.errf("%s does not apply to %s (use ==, != or ~=)", c.Op, t)
		}
		if !c.Quoted {
			return c.errf("%s constants must be double-quoted", t)
		}
		return nil
	}
	if c.Op != OpEq && c.Op != OpNe && !ordered(item.Base) {
		return c.errf("%s does not apply to %s (use == or !=)", c.Op, item)
	}
	if err := c.checkConst(item); err != nil {
		return err
	}
	if c.Op != OpEq && c.Op != OpNe && item.Base == TypeDateTime && isUnknownTime(c.Value) {
		return c.errf("%s does not apply to the Unknown Time (use == or !=)", c.Op)
	}
	return nil
}

// isUnknownTime reports whether v is a lexically valid dateTime equal to
// the Unknown Time. An untimezoned 0001-01-01T00:00:00 is the boot time,
// not the Unknown Time (TR-106 §3.2.1).
func isUnknownTime(v string) bool {
	t, msg := parseDateTime(v)
	if msg != "" || !t.Equal(unknownInstant) {
		return false
	}
	n := len(v)
	return v[n-1] == 'Z' || n >= 6 && (v[n-6] == '+' || v[n-6] == '-') && v[n-3] == ':'
}

var unknownInstant = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// checkConst checks quoting and the lexical form of c.Value as a scalar.
func (c Cond) checkConst(t DataType) error {
	switch {
	case t.Base == TypeString && !c.Quoted:
		return c.errf("%s constants must be double-quoted", t)
	case t.Base != TypeString && t.Base != TypeBase64 && t.Base != TypeHexBinary && c.Quoted:
		return c.errf("%s constants must not be quoted", t)
	}
	if msg := lexical(t.Base, c.Value); msg != "" {
		return c.errf("constant %s is not a valid %s: %s", quoteValue(c.Value), t.Base, msg)
	}
	return nil
}

func (c Cond) errf(format string, args ...any) error {
	e := Errorf(KindInvalidPathSyntax, "", format, args...)
	e.Msg = "invalid search expression " + strconv.Quote(clip(c.String())) + ": " + e.Msg
	return e
}

func ordered(b BaseType) bool {
	switch b {
	case TypeInt, TypeUnsignedInt, TypeLong, TypeUnsignedLong, TypeDecimal, TypeDateTime:
		return true
	}
	return false
}

// Match reports whether v, a value of a parameter of type t, satisfies c
// (TR-369 §2.5.4). Values are compared as the type's internal
// representation: numbers numerically ("+123" equals "0123" equals "123"),
// booleans "1" equals "true", dateTimes as instants, binary types as bytes,
// IP addresses, prefixes and hex-pair types (MACAddress) in canonical form.
// "~=" tests whether any item of the list v equals the constant. A value v
// that does not parse as its type matches nothing. The error is Check's.
func (c Cond) Match(t DataType, v string) (bool, error) {
	if err := c.Check(t); err != nil {
		return false, err
	}
	item := t
	item.List = false
	if c.Op == OpContains {
		if v == "" {
			return false, nil
		}
		for _, x := range strings.Split(v, ",") {
			if n, ok := compare(item, strings.Trim(x, " \t"), c.Value); ok && n == 0 {
				return true, nil
			}
		}
		return false, nil
	}
	var n int
	var ok bool
	if t.List {
		n, ok = compareLists(item, v, c.Value)
	} else {
		n, ok = compare(item, v, c.Value)
	}
	if !ok {
		return false, nil
	}
	if c.Op != OpEq && c.Op != OpNe && item.Base == TypeDateTime && isUnknownTime(v) {
		return false, nil // an unknown time is neither before nor after anything
	}
	switch c.Op {
	case OpEq:
		return n == 0, nil
	case OpNe:
		return n != 0, nil
	case OpLt:
		return n < 0, nil
	case OpGt:
		return n > 0, nil
	case OpLe:
		return n <= 0, nil
	case OpGe:
		return n >= 0, nil
	}
	return false, nil
}

// compareLists compares two lists item by item; only equality is
// meaningful (Check allows only == and != on lists).
func compareLists(item DataType, a, b string) (int, bool) {
	if a == b {
		return 0, true
	}
	if a == "" || b == "" {
		return 1, true
	}
	xa, xb := strings.Split(a, ","), strings.Split(b, ",")
	if len(xa) != len(xb) {
		return 1, true
	}
	for i := range xa {
		n, ok := compare(item, strings.Trim(xa[i], " \t"), strings.Trim(xb[i], " \t"))
		if !ok {
			return 0, false
		}
		if n != 0 {
			return n, true
		}
	}
	return 0, true
}

// compare orders two scalar values of type t; ok is false when either does
// not parse.
func compare(t DataType, a, b string) (n int, ok bool) {
	switch t.Base {
	case TypeString:
		return strings.Compare(canonical(t.Named, a), canonical(t.Named, b)), true
	case TypeBoolean:
		x, ok1 := parseBool(a)
		y, ok2 := parseBool(b)
		if !ok1 || !ok2 {
			return 0, false
		}
		if x == y {
			return 0, true
		}
		if y {
			return -1, true
		}
		return 1, true
	case TypeInt, TypeLong, TypeUnsignedInt, TypeUnsignedLong, TypeDecimal:
		if !isDecimal(a) || !isDecimal(b) {
			return 0, false
		}
		return cmpDecimal(a, b), true
	case TypeDateTime:
		x, m1 := parseDateTime(a)
		y, m2 := parseDateTime(b)
		if m1 != "" || m2 != "" {
			return 0, false
		}
		return x.Compare(y), true
	case TypeHexBinary:
		x, err1 := hex.DecodeString(a)
		y, err2 := hex.DecodeString(b)
		if err1 != nil || err2 != nil {
			return 0, false
		}
		return bytes.Compare(x, y), true
	case TypeBase64:
		x, err1 := base64.StdEncoding.DecodeString(a)
		y, err2 := base64.StdEncoding.DecodeString(b)
		if err1 != nil || err2 != nil {
			return 0, false
		}
		return bytes.Compare(x, y), true
	}
	return 0, false
}

// canonical returns the form of a named-type string value used for
// comparison: IP addresses and prefixes as netip prints them, hex-pair types
// upper-case. Other values are returned as they are.
func canonical(named, v string) string {
	switch named {
	case "IPAddress", "IPv4Address", "IPv6Address":
		if a, err := netip.ParseAddr(v); err == nil {
			return a.String()
		}
	case "IPPrefix", "IPv4Prefix", "IPv6Prefix":
		if p, err := netip.ParsePrefix(v); err == nil {
			return p.String()
		}
	case "MACAddress", "IEEE_EUI64", "ZigBeeNetworkAddress", "UUID":
		return strings.ToUpper(v)
	}
	return v
}
