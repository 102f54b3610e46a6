package dm

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// UnknownTime is the dateTime value meaning "unknown or not applicable"
// (TR-106 Amendment 8 §3.2.1).
const UnknownTime = "0001-01-01T00:00:00Z"

// Validate checks that v is a value of type t in its TR-106 lexical form
// (TR-106 Amendment 8 §3.2, TR-369 R-ENC.6), then applies the named type and
// the facets. It returns nil or an *Error: KindInvalidType when v is not in
// the base type's lexical form, KindInvalidValue when a named-type rule, a
// facet or the character check fails, KindInternal for a named type this
// package does not know (fail closed: values go to a router). The message
// names the type and the problem; the caller sets Path.
//
// Every value must be valid UTF-8 without NUL and without control
// characters other than tab, CR and LF: anything else cannot travel in
// CWMP's XML and is never a TR-181 value.
//
// A list (TR-106 §3.2.3) is a comma-separated string: MaxLen bounds the whole
// string; each item, with surrounding spaces trimmed, is checked against the
// base type, the named type, Enum, Min and Max. "" is the empty list.
func (t DataType) Validate(v string) error {
	if t.Named != "" {
		if _, ok := namedType(t.Named); !ok {
			return Errorf(KindInternal, "", "unknown named data type %s", quoteValue(t.Named))
		}
	}
	if msg := checkText(v); msg != "" {
		return &Error{Kind: KindInvalidValue, Msg: "value " + msg}
	}
	if !t.List {
		return t.validateItem(v)
	}
	if t.MaxLen > 0 {
		if n := utf8.RuneCountInString(v); n > t.MaxLen {
			return Errorf(KindInvalidValue, "", "value of %s is %d characters long, more than the maximum %d", t, n, t.MaxLen)
		}
	}
	if v == "" {
		return nil
	}
	item := t
	item.List, item.MaxLen = false, 0
	for i, n := 0, 1; ; n++ {
		j := strings.IndexByte(v[i:], ',')
		end := len(v)
		if j >= 0 {
			end = i + j
		}
		if err := item.validateItem(strings.Trim(v[i:end], " \t")); err != nil {
			if e, ok := err.(*Error); ok {
				e.Msg = fmt.Sprintf("list item %d: %s", n, e.Msg)
			}
			return err
		}
		if j < 0 {
			return nil
		}
		i = end + 1
	}
}

// checkText returns what is wrong with v as text, or "".
func checkText(v string) string {
	for i, r := range v {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(v[i:]); size == 1 {
				return fmt.Sprintf("is not valid UTF-8 (byte %#02x at offset %d)", v[i], i)
			}
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			return fmt.Sprintf("contains the control character %U at offset %d", r, i)
		}
	}
	return ""
}

// validateItem checks one scalar value.
func (t DataType) validateItem(v string) error {
	if msg := lexical(t.Base, v); msg != "" {
		return Errorf(KindInvalidType, "", "value %s is not a valid %s: %s", quoteValue(v), t.Base, msg)
	}
	if t.Named != "" {
		nt, ok := namedType(t.Named)
		if !ok {
			return Errorf(KindInternal, "", "unknown named data type %s", quoteValue(t.Named))
		}
		if nt.base != t.Base {
			return Errorf(KindInternal, "", "named data type %s is based on %s, not %s", t.Named, nt.base, t.Base)
		}
		if nt.maxLen > 0 && utf8.RuneCountInString(v) > nt.maxLen {
			return Errorf(KindInvalidValue, "", "value %s is not a valid %s: longer than %d characters", quoteValue(v), t, nt.maxLen)
		}
		if nt.check != nil {
			if msg := nt.check(v); msg != "" {
				return Errorf(KindInvalidValue, "", "value %s is not a valid %s: %s", quoteValue(v), t, msg)
			}
		}
		if nt.min != 0 {
			if n, _ := strconv.ParseUint(strings.TrimPrefix(v, "+"), 10, 64); n < nt.min {
				return Errorf(KindInvalidValue, "", "value %s is not a valid %s: less than %d", quoteValue(v), t, nt.min)
			}
		}
	}
	return t.checkFacets(v)
}

// checkFacets applies MaxLen, Enum, Min and Max to a lexically valid value.
func (t DataType) checkFacets(v string) error {
	switch t.Base {
	case TypeString:
		if t.MaxLen > 0 {
			if n := utf8.RuneCountInString(v); n > t.MaxLen {
				return Errorf(KindInvalidValue, "", "value of %s is %d characters long, more than the maximum %d", t, n, t.MaxLen)
			}
		}
		if len(t.Enum) > 0 && !contains(t.Enum, v) {
			return Errorf(KindInvalidValue, "", "value %s is not one of the values allowed for %s: %s", quoteValue(v), t, enumList(t.Enum))
		}
	case TypeBase64, TypeHexBinary:
		if t.MaxLen > 0 {
			if n := decodedLen(t.Base, v); n > t.MaxLen {
				return Errorf(KindInvalidValue, "", "value of %s is %d bytes long, more than the maximum %d", t, n, t.MaxLen)
			}
		}
	case TypeInt, TypeLong, TypeUnsignedInt, TypeUnsignedLong, TypeDecimal:
		if t.Min != nil && cmpNumber(v, *t.Min) < 0 {
			return Errorf(KindInvalidValue, "", "value %s of %s is less than the minimum %d", quoteValue(v), t, *t.Min)
		}
		if t.Max != nil && cmpNumber(v, *t.Max) > 0 {
			return Errorf(KindInvalidValue, "", "value %s of %s is more than the maximum %d", quoteValue(v), t, *t.Max)
		}
	}
	return nil
}

// lexical returns what is wrong with v as a value of base type b, or "".
func lexical(b BaseType, v string) string {
	switch b {
	case TypeString:
		return ""
	case TypeBoolean:
		if _, ok := parseBool(v); !ok {
			return `expected "true", "false", "1" or "0"`
		}
	case TypeInt:
		return checkSigned(v, 32)
	case TypeLong:
		return checkSigned(v, 64)
	case TypeUnsignedInt:
		return checkUnsigned(v, 32)
	case TypeUnsignedLong:
		return checkUnsigned(v, 64)
	case TypeDecimal:
		if !isDecimal(v) {
			return "not a decimal number"
		}
	case TypeDateTime:
		_, msg := parseDateTime(v)
		return msg
	case TypeBase64:
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return "not base64"
		}
	case TypeHexBinary:
		if len(v)%2 != 0 {
			return "odd number of hex digits"
		}
		if _, err := hex.DecodeString(v); err != nil {
			return "not hex digits"
		}
	default:
		return "unknown base type"
	}
	return ""
}

func checkSigned(v string, size int) string {
	if !isInteger(v, true) {
		return "not a decimal integer"
	}
	if _, err := strconv.ParseInt(v, 10, size); err != nil {
		return fmt.Sprintf("out of the %d-bit range", size)
	}
	return ""
}

func checkUnsigned(v string, size int) string {
	if !isInteger(v, false) {
		return "not an unsigned decimal integer"
	}
	if _, err := strconv.ParseUint(strings.TrimPrefix(v, "+"), 10, size); err != nil {
		return fmt.Sprintf("out of the %d-bit unsigned range", size)
	}
	return ""
}

// isInteger reports whether v is [+-]?[0-9]+ (only "+" when !signed), the
// XML Schema lexical form TR-106 uses: "+123" and "0123" are valid.
func isInteger(v string, signed bool) bool {
	if v != "" && (v[0] == '+' || signed && v[0] == '-') {
		v = v[1:]
	}
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return false
		}
	}
	return true
}

// isDecimal reports whether v is [+-]?(digits[.digits*] | .digits).
func isDecimal(v string) bool {
	if v != "" && (v[0] == '+' || v[0] == '-') {
		v = v[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case isDigit(c):
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// cmpNumber compares a lexically valid number (integer or decimal) with m.
func cmpNumber(v string, m int64) int {
	return cmpDecimal(v, strconv.FormatInt(m, 10))
}

// cmpDecimal compares two lexically valid decimals (integers included)
// exactly, in time linear in their length.
func cmpDecimal(a, b string) int {
	na, ia, fa := splitDecimal(a)
	nb, ib, fb := splitDecimal(b)
	zeroA, zeroB := ia == "" && fa == "", ib == "" && fb == ""
	if zeroA {
		na = false
	}
	if zeroB {
		nb = false
	}
	if na != nb {
		if na {
			return -1
		}
		return 1
	}
	c := cmpMagnitude(ia, fa, ib, fb)
	if na {
		return -c
	}
	return c
}

// splitDecimal returns the sign and the integer and fraction digits of v
// without leading (integer) or trailing (fraction) zeros.
func splitDecimal(v string) (neg bool, ip, fp string) {
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	ip, fp, _ = strings.Cut(v, ".")
	return neg, strings.TrimLeft(ip, "0"), strings.TrimRight(fp, "0")
}

func cmpMagnitude(ia, fa, ib, fb string) int {
	if len(ia) != len(ib) {
		if len(ia) < len(ib) {
			return -1
		}
		return 1
	}
	if c := strings.Compare(ia, ib); c != 0 {
		return c
	}
	return strings.Compare(fa, fb) // no trailing zeros: lexicographic order is numeric order
}

// ParseBool parses a TR-106 boolean: "true", "false", "1" or "0".
func ParseBool(v string) (bool, error) {
	b, ok := parseBool(v)
	if !ok {
		return false, Errorf(KindInvalidType, "", `value %s is not a valid boolean: expected "true", "false", "1" or "0"`, quoteValue(v))
	}
	return b, nil
}

func parseBool(v string) (bool, bool) {
	switch v {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// FormatBool returns the canonical TR-106 boolean, "true" or "false".
func FormatBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// ParseDateTime parses a TR-106 dateTime (TR-106 Amendment 8 §3.2.1):
// YYYY-MM-DDThh:mm:ss, an optional fraction, then "Z" or ±hh:mm. Only a
// relative time since boot (year before 1000) may omit the time zone; it is
// read as UTC. The result is in UTC; UnknownTime gives year 1, January 1.
func ParseDateTime(v string) (time.Time, error) {
	t, msg := parseDateTime(v)
	if msg != "" {
		return time.Time{}, Errorf(KindInvalidType, "", "value %s is not a valid dateTime: %s", quoteValue(v), msg)
	}
	return t, nil
}

// FormatDateTime returns t in the form the bridge sends: UTC, whole seconds,
// "Z" (TR-106 §3.2.1). Times outside years 1–9999, which the lexical form
// cannot hold, become UnknownTime; so does the zero time.Time.
func FormatDateTime(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return UnknownTime
	}
	return t.Format("2006-01-02T15:04:05Z")
}

const dateTimeForm = "not of the form YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)"

func parseDateTime(v string) (time.Time, string) {
	if len(v) < 19 || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':' {
		return time.Time{}, dateTimeForm
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, mo, d := num(v[0:4]), num(v[5:7]), num(v[8:10])
	h, mi, s := num(v[11:13]), num(v[14:16]), num(v[17:19])
	if y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 {
		return time.Time{}, dateTimeForm
	}
	rest := v[19:]
	ns := 0
	if rest != "" && rest[0] == '.' {
		i := 1
		for i < len(rest) && isDigit(rest[i]) {
			if i <= 9 {
				ns = ns*10 + int(rest[i]-'0')
			}
			i++
		}
		if i == 1 {
			return time.Time{}, dateTimeForm
		}
		for k := i; k <= 9; k++ {
			ns *= 10
		}
		rest = rest[i:]
	}
	loc, zoned := time.UTC, true
	switch {
	case rest == "":
		zoned = false
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		zh, zm := num(rest[1:3]), num(rest[4:6])
		if zh < 0 || zm < 0 {
			return time.Time{}, dateTimeForm
		}
		if zh > 14 || zm > 59 || zh == 14 && zm != 0 {
			return time.Time{}, "time zone offset out of range"
		}
		off := (zh*60 + zm) * 60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	default:
		return time.Time{}, dateTimeForm
	}
	switch {
	case y == 0:
		return time.Time{}, "year 0000 does not exist"
	case mo < 1 || mo > 12:
		return time.Time{}, "month out of range"
	case d < 1 || d > daysIn(mo, y):
		return time.Time{}, "day out of range"
	case h > 23 || mi > 59 || s > 59:
		return time.Time{}, "time of day out of range"
	case !zoned && y >= 1000:
		return time.Time{}, "a time zone (Z or ±hh:mm) is required except for a relative time since boot (year before 1000)"
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, loc).UTC(), ""
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func decodedLen(b BaseType, v string) int {
	if b == TypeHexBinary {
		return len(v) / 2
	}
	n, _ := base64.StdEncoding.DecodeString(v)
	return len(n)
}

// FormatMAC returns a MAC address in the canonical TR-106 MACAddress form,
// upper-case hex pairs joined by ":". It accepts the spellings RouterOS and
// peers use: "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" and
// "aabbccddeeff". "" stays "" (an unknown MAC, TR-106 MACAddress).
func FormatMAC(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	var hexDigits string
	switch {
	case len(s) == 17 && (s[2] == ':' || s[2] == '-'):
		sep := s[2]
		var b strings.Builder
		for i := 0; i < 17; i += 3 {
			if i > 0 && s[i-1] != sep {
				return "", macError(s)
			}
			b.WriteString(s[i : i+2])
		}
		hexDigits = b.String()
	case len(s) == 14 && s[4] == '.' && s[9] == '.':
		hexDigits = s[0:4] + s[5:9] + s[10:14]
	case len(s) == 12:
		hexDigits = s
	default:
		return "", macError(s)
	}
	raw, err := hex.DecodeString(hexDigits)
	if err != nil || len(raw) != 6 {
		return "", macError(s)
	}
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 17)
	for i, c := range raw {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out), nil
}

func macError(s string) error {
	return Errorf(KindInvalidValue, "", "value %s is not a valid MACAddress: expected six hex pairs such as 00:0C:42:AA:BB:CC", quoteValue(s))
}

// MaskFromPrefixLen returns the dotted-quad IPv4 subnet mask of a prefix
// length, 24 → "255.255.255.0" (TR-181 SubnetMask parameters), or "" when n
// is outside 0–32.
func MaskFromPrefixLen(n int) string {
	if n < 0 || n > 32 {
		return ""
	}
	var m uint32
	if n > 0 {
		m = ^uint32(0) << (32 - n)
	}
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], m)
	return netip.AddrFrom4(b).String()
}

// PrefixLenFromMask returns the prefix length of a dotted-quad IPv4 subnet
// mask, "255.255.255.0" → 24. Masks whose one bits are not contiguous are
// KindInvalidValue.
func PrefixLenFromMask(mask string) (int, error) {
	a, err := netip.ParseAddr(mask)
	if err != nil || !a.Is4() {
		return 0, Errorf(KindInvalidValue, "", "value %s is not a valid subnet mask: not a dotted-quad IPv4 address", quoteValue(mask))
	}
	b := a.As4()
	m := binary.BigEndian.Uint32(b[:])
	if inv := ^m; inv&(inv+1) != 0 {
		return 0, Errorf(KindInvalidValue, "", "value %s is not a valid subnet mask: its one bits are not contiguous", quoteValue(mask))
	}
	return bits.OnesCount32(m), nil
}

// KnownNamedType reports whether Validate knows the TR-106 named data type
// name. Schemas should use only known names; a test can check that.
func KnownNamedType(name string) bool {
	_, ok := namedType(name)
	return ok
}

// named is the rule of one TR-106 named data type.
type named struct {
	base   BaseType
	maxLen int                 // characters; 0 = none
	min    uint64              // unsigned types: minimum; 0 = none
	check  func(string) string // what is wrong, or ""
}

// namedType returns the rule for a TR-106 named data type (tr-106-types.xml,
// TR-106 Amendment 8 §3.3).
func namedType(name string) (named, bool) {
	switch name {
	case "IPAddress":
		return named{base: TypeString, maxLen: 45, check: func(v string) string { return checkIP(v, true, true) }}, true
	case "IPv4Address":
		return named{base: TypeString, maxLen: 15, check: func(v string) string { return checkIP(v, true, false) }}, true
	case "IPv6Address":
		return named{base: TypeString, maxLen: 45, check: func(v string) string { return checkIP(v, false, true) }}, true
	case "IPPrefix":
		return named{base: TypeString, maxLen: 49, check: func(v string) string { return checkPrefix(v, true, true) }}, true
	case "IPv4Prefix":
		return named{base: TypeString, maxLen: 18, check: func(v string) string { return checkPrefix(v, true, false) }}, true
	case "IPv6Prefix":
		return named{base: TypeString, maxLen: 49, check: func(v string) string { return checkPrefix(v, false, true) }}, true
	case "MACAddress":
		return named{base: TypeString, maxLen: 17, check: func(v string) string { return checkHexPairs(v, 6) }}, true
	case "IEEE_EUI64":
		return named{base: TypeString, maxLen: 23, check: func(v string) string { return checkHexPairs(v, 8) }}, true
	case "ZigBeeNetworkAddress":
		return named{base: TypeString, maxLen: 4, check: checkZigBee}, true
	case "Alias", "_AliasCWMP", "_AliasUSP", "_AliasCommon":
		return named{base: TypeString, maxLen: 64, check: checkAlias}, true
	case "UUID":
		return named{base: TypeString, maxLen: 36, check: checkUUID}, true
	case "URI", "URL":
		return named{base: TypeString, maxLen: 2048}, true
	case "URN":
		return named{base: TypeString, maxLen: 2048, check: checkURN}, true
	case "JSONObject":
		return named{base: TypeString, check: checkJSONObject}, true
	case "DiagnosticsState":
		return named{base: TypeString}, true // values come from the Enum facet
	case "Dbm1000":
		return named{base: TypeInt}, true
	case "StatsCounter32", "PLMNId":
		return named{base: TypeUnsignedInt}, true
	case "StatsCounter64":
		return named{base: TypeUnsignedLong}, true
	case "Order":
		return named{base: TypeUnsignedInt, min: 1}, true
	}
	return named{}, false
}

// checkIP accepts "" (unspecified, TR-106 IPAddress) or an address of the
// allowed families, without a zone. IPv4 must be dotted-quad without leading
// zeros: "010.0.0.1" reads as octal on some systems, so it never reaches a
// router.
func checkIP(v string, v4, v6 bool) string {
	if v == "" {
		return ""
	}
	a, err := netip.ParseAddr(v)
	switch {
	case err != nil:
		return "not an IP address"
	case a.Zone() != "":
		return "IPv6 zone identifiers are not allowed"
	case a.Is4() && !v4:
		return "an IPv4 address where IPv6 is required"
	case a.Is6() && !v6:
		return "not a dotted-quad IPv4 address"
	}
	return ""
}

// checkPrefix accepts "", "/n" (address unspecified) or address/n in CIDR
// notation (TR-106 IPPrefix); host bits may be set.
func checkPrefix(v string, v4, v6 bool) string {
	if v == "" {
		return ""
	}
	addr, lenText, ok := strings.Cut(v, "/")
	if !ok {
		return `missing "/" and prefix length`
	}
	maxLen := 128
	if addr != "" {
		if msg := checkIP(addr, v4, v6); msg != "" {
			return msg
		}
		if a, _ := netip.ParseAddr(addr); a.Is4() {
			maxLen = 32
		}
	} else if !v6 {
		maxLen = 32
	}
	n, err := strconv.Atoi(lenText)
	switch {
	case err != nil || lenText == "" || !isDigit(lenText[0]) || len(lenText) > 1 && lenText[0] == '0':
		return "prefix length is not a decimal number without leading zeros"
	case n > maxLen:
		return fmt.Sprintf("prefix length above %d", maxLen)
	}
	return ""
}

// checkHexPairs accepts "" or n hex pairs joined by ":" (MACAddress,
// IEEE_EUI64).
func checkHexPairs(v string, n int) string {
	if v == "" || isHexPairs(v, n) {
		return ""
	}
	return fmt.Sprintf(`expected %d hex pairs separated by ":"`, n)
}

func isHexPairs(v string, n int) bool {
	if len(v) != 3*n-1 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if i%3 == 2 {
			if v[i] != ':' {
				return false
			}
		} else if _, ok := unhex(v[i]); !ok {
			return false
		}
	}
	return true
}

func checkZigBee(v string) string {
	if v == "" {
		return ""
	}
	if _, err := hex.DecodeString(v); err != nil || len(v) != 4 {
		return "expected 4 hex digits"
	}
	return ""
}

// checkAlias applies the TR-181 Alias rules: not empty, starting with a
// letter. The "cpe-" prefix marks agent-assigned values; it is not rejected
// here because the agent assigns such values itself.
func checkAlias(v string) string {
	if v == "" {
		return "must not be empty"
	}
	if !isLetter(v[0]) {
		return "must start with a letter"
	}
	return ""
}

func checkUUID(v string) string {
	if len(v) != 36 {
		return "expected 8-4-4-4-12 hex digits"
	}
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if v[i] != '-' {
				return "expected 8-4-4-4-12 hex digits"
			}
		} else if _, ok := unhex(v[i]); !ok {
			return "expected 8-4-4-4-12 hex digits"
		}
	}
	return ""
}

// checkURN applies the tr-106-types.xml URN pattern: "urn:" NID ":" NSS,
// NID being 2–32 letters, digits and inner hyphens.
func checkURN(v string) string {
	const bad = `expected "urn:<NID>:<NSS>"`
	rest, ok := strings.CutPrefix(v, "urn:")
	if !ok {
		return bad
	}
	nid, nss, ok := strings.Cut(rest, ":")
	if !ok || nss == "" || len(nid) < 2 || len(nid) > 32 || nid[0] == '-' || nid[len(nid)-1] == '-' {
		return bad
	}
	for i := 0; i < len(nid); i++ {
		if !isLetter(nid[i]) && !isDigit(nid[i]) && nid[i] != '-' {
			return bad
		}
	}
	return ""
}

// checkJSONObject accepts a JSON object (RFC 7159 §4), or "" for none.
func checkJSONObject(v string) string {
	if v == "" {
		return ""
	}
	if !json.Valid([]byte(v)) || strings.TrimLeft(v, " \t\r\n")[0] != '{' {
		return "not a JSON object"
	}
	return ""
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// enumList lists allowed values for a message, at most ten of them.
func enumList(enum []string) string {
	const max = 10
	if len(enum) <= max {
		return strings.Join(enum, ", ")
	}
	return strings.Join(enum[:max], ", ") + fmt.Sprintf(", ... (%d more)", len(enum)-max)
}

// quoteValue quotes a value for a message, clipped to 64 bytes.
func quoteValue(v string) string {
	const max = 64
	if len(v) <= max {
		return strconv.Quote(v)
	}
	return strconv.Quote(v[:max]) + "..."
}
