package dm

import (
	"strings"
	"testing"
	"time"
)

func i64(n int64) *int64 { return &n }

func TestValidate(t *testing.T) {
	var (
		str     = DataType{Base: TypeString}
		boolean = DataType{Base: TypeBoolean}
		i32     = DataType{Base: TypeInt}
		u32     = DataType{Base: TypeUnsignedInt}
		i64t    = DataType{Base: TypeLong}
		u64     = DataType{Base: TypeUnsignedLong}
		dec     = DataType{Base: TypeDecimal}
		dt      = DataType{Base: TypeDateTime}
		b64     = DataType{Base: TypeBase64}
		hexb    = DataType{Base: TypeHexBinary}
		named   = func(n string) DataType { return DataType{Base: TypeString, Named: n} }
	)
	ok := func(t DataType, vs ...string) []validateCase {
		out := make([]validateCase, len(vs))
		for i, v := range vs {
			out[i] = validateCase{t, v, -1, ""}
		}
		return out
	}
	var tests []validateCase
	tests = append(tests, ok(str, "", "eth0", "héllo wörld", "tab\there", "line\r\nbreak", "\u007f", "emoji 😀")...)
	tests = append(tests, ok(boolean, "true", "false", "1", "0")...)
	tests = append(tests, ok(i32, "0", "-1", "+123", "0123", "2147483647", "-2147483648")...)
	tests = append(tests, ok(u32, "0", "+7", "4294967295", "007")...)
	tests = append(tests, ok(i64t, "-9223372036854775808", "9223372036854775807")...)
	tests = append(tests, ok(u64, "18446744073709551615")...)
	tests = append(tests, ok(dec, "0", "1.5", "-1.25", "+.5", "3.", "007.100")...)
	tests = append(tests, ok(dt, UnknownTime, "2024-02-29T23:59:59Z", "2021-06-06T08:00:00.123456Z",
		"2021-06-06T08:00:00+05:30", "2021-06-06T08:00:00-14:00", "0001-01-03T03:04:05", "0999-12-31T00:00:00.5")...)
	tests = append(tests, ok(b64, "", "AAEC", "aGVsbG8=")...)
	tests = append(tests, ok(hexb, "", "08", "0aFF")...)
	tests = append(tests, ok(named("IPAddress"), "", "192.168.1.254", "1080::800:ba98:3210:11aa:12dd", "0:0:0:0:0:0:13.1.68.3", "::ffff:10.0.0.1")...)
	tests = append(tests, ok(named("IPv4Address"), "", "0.0.0.0", "255.255.255.255")...)
	tests = append(tests, ok(named("IPv6Address"), "", "::", "2001:DB8::1")...)
	tests = append(tests, ok(named("IPPrefix"), "", "/0", "/128", "192.168.1.0/24", "192.168.1.1/32", "2001:edff:fe6a:f76::/64")...)
	tests = append(tests, ok(named("IPv4Prefix"), "", "/24", "10.0.0.0/8")...)
	tests = append(tests, ok(named("IPv6Prefix"), "", "/64", "::/0", "2001:db8::/32")...)
	tests = append(tests, ok(named("MACAddress"), "", "00:0C:42:aa:bb:cc")...)
	tests = append(tests, ok(named("IEEE_EUI64"), "", "00:11:22:33:44:55:66:77")...)
	tests = append(tests, ok(named("ZigBeeNetworkAddress"), "", "0aF1")...)
	tests = append(tests, ok(named("Alias"), "cpe-1", "WAN", "a"+strings.Repeat("x", 63))...)
	tests = append(tests, ok(named("UUID"), "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6")...)
	tests = append(tests, ok(named("URL"), "https://acs.example/", "")...)
	tests = append(tests, ok(named("URN"), "urn:bbf:usp:id:oui:00256D:x")...)
	tests = append(tests, ok(named("JSONObject"), "", "{}", ` {"a":[1,2]}`)...)
	tests = append(tests, ok(DataType{Base: TypeInt, Named: "Dbm1000"}, "-12345")...)
	tests = append(tests, ok(DataType{Base: TypeUnsignedLong, Named: "StatsCounter64"}, "18446744073709551615")...)
	tests = append(tests, ok(DataType{Base: TypeUnsignedInt, Named: "Order"}, "1")...)
	// Facets.
	tests = append(tests, ok(DataType{Base: TypeString, MaxLen: 3}, "abc", "äöü")...)
	tests = append(tests, ok(DataType{Base: TypeString, Enum: []string{"Up", "Down"}}, "Up", "Down")...)
	tests = append(tests, ok(DataType{Base: TypeUnsignedInt, Min: i64(1), Max: i64(65535)}, "1", "65535", "+00080")...)
	tests = append(tests, ok(DataType{Base: TypeInt, Min: i64(-10), Max: i64(-1)}, "-10", "-1")...)
	tests = append(tests, ok(DataType{Base: TypeDecimal, Min: i64(0), Max: i64(100)}, "0", "0.0", "-0", "99.999", "100", "100.000")...)
	tests = append(tests, ok(DataType{Base: TypeHexBinary, MaxLen: 2}, "aabb")...)
	tests = append(tests, ok(DataType{Base: TypeBase64, MaxLen: 3}, "AAEC")...)
	// Lists.
	tests = append(tests, ok(DataType{Base: TypeString, List: true}, "", "a,b", "a,,b", "Device.WiFi.Radio.1, Device.WiFi.Radio.2")...)
	tests = append(tests, ok(DataType{Base: TypeUnsignedInt, List: true, Min: i64(1)}, "1,2,3", "1, 2 ,3")...)
	tests = append(tests, ok(DataType{Base: TypeString, Named: "IPv4Address", List: true, MaxLen: 31}, "10.0.0.1,10.0.0.2", "")...)
	tests = append(tests, ok(DataType{Base: TypeString, List: true, Enum: []string{"A", "B"}}, "A,B,A")...)

	bad := func(t DataType, kind Kind, msg string, vs ...string) []validateCase {
		out := make([]validateCase, len(vs))
		for i, v := range vs {
			out[i] = validateCase{t, v, kind, msg}
		}
		return out
	}
	tests = append(tests, bad(str, KindInvalidValue, "not valid UTF-8", "\xff", "a\xc3")...)
	tests = append(tests, bad(str, KindInvalidValue, "control character", "a\x00b", "\x1b[31m", "\ufffe")...)
	tests = append(tests, bad(boolean, KindInvalidType, "not a valid boolean", "", "True", "yes", " 1")...)
	tests = append(tests, bad(i32, KindInvalidType, "not a valid int: not a decimal integer", "", "-", "1.0", "1e3", "0x10", " 1", "1_000")...)
	tests = append(tests, bad(i32, KindInvalidType, "out of the 32-bit range", "2147483648", "-2147483649")...)
	tests = append(tests, bad(u32, KindInvalidType, "not an unsigned decimal integer", "-1", "-0", "++1")...)
	tests = append(tests, bad(u32, KindInvalidType, "out of the 32-bit unsigned range", "4294967296")...)
	tests = append(tests, bad(i64t, KindInvalidType, "out of the 64-bit range", "9223372036854775808")...)
	tests = append(tests, bad(u64, KindInvalidType, "out of the 64-bit unsigned range", "18446744073709551616")...)
	tests = append(tests, bad(dec, KindInvalidType, "not a decimal number", "", ".", "1.2.3", "1e5", "NaN", "+")...)
	tests = append(tests, bad(dt, KindInvalidType, "not of the form", "", "2021-06-06", "2021-06-06 08:00:00Z", "2021-06-06T08:00Z",
		"2021-06-06T08:00:00z", "2021-06-06T08:00:00.Z", "2021-06-06T08:00:00+0530", "21-06-06T08:00:00Z", "2021-6-06T08:00:00Z", "+2021-06-06T08:00:00Z")...)
	tests = append(tests, bad(dt, KindInvalidType, "required except for a relative time", "2021-06-06T08:00:00", "1000-01-01T00:00:00")...)
	tests = append(tests, bad(dt, KindInvalidType, "day out of range", "2023-02-29T00:00:00Z", "2021-04-31T00:00:00Z", "2021-01-00T00:00:00Z")...)
	tests = append(tests, bad(dt, KindInvalidType, "month out of range", "2021-13-01T00:00:00Z")...)
	tests = append(tests, bad(dt, KindInvalidType, "time of day out of range", "2021-01-01T24:00:00Z", "2021-01-01T00:60:00Z", "2021-01-01T00:00:60Z")...)
	tests = append(tests, bad(dt, KindInvalidType, "time zone offset out of range", "2021-01-01T00:00:00+14:01", "2021-01-01T00:00:00+15:00")...)
	tests = append(tests, bad(dt, KindInvalidType, "year 0000", "0000-01-01T00:00:00Z")...)
	tests = append(tests, bad(b64, KindInvalidType, "not base64", "AAE", "A A=", "!!!!")...)
	tests = append(tests, bad(hexb, KindInvalidType, "odd number", "abc")...)
	tests = append(tests, bad(hexb, KindInvalidType, "not hex digits", "zz")...)
	tests = append(tests, bad(named("IPAddress"), KindInvalidValue, "not a valid string(IPAddress)", "1.2.3", "1.2.3.256", "example.com", " 1.2.3.4", "fe80::1%eth0", "010.0.0.1")...)
	tests = append(tests, bad(named("IPv4Address"), KindInvalidValue, "not a valid string(IPv4Address)", "::1", "::ffff:1.2.3.4", "1.2.3.4/24", "192.168.001.1")...)
	tests = append(tests, bad(named("IPv6Address"), KindInvalidValue, "IPv4 address where IPv6 is required", "10.0.0.1")...)
	tests = append(tests, bad(named("IPPrefix"), KindInvalidValue, "not a valid string(IPPrefix)", "10.0.0.0", "10.0.0.0/33", "/129", "10.0.0.0/", "10.0.0.0/024", "10.0.0.0/+8", "::/129")...)
	tests = append(tests, bad(named("IPv4Prefix"), KindInvalidValue, "not a valid string(IPv4Prefix)", "/33", "::/0")...)
	tests = append(tests, bad(named("IPv6Prefix"), KindInvalidValue, "not a valid string(IPv6Prefix)", "10.0.0.0/8")...)
	tests = append(tests, bad(named("MACAddress"), KindInvalidValue, "not a valid string(MACAddress)", "00-0C-42-AA-BB-CC", "000C42AABBCC", "00:0C:42:AA:BB", "00:0C:42:AA:BB:CG")...)
	tests = append(tests, bad(named("IEEE_EUI64"), KindInvalidValue, "hex pairs", "00:11:22:33:44:55")...)
	tests = append(tests, bad(named("ZigBeeNetworkAddress"), KindInvalidValue, "4 hex digits", "12", "zzzz")...)
	tests = append(tests, bad(named("Alias"), KindInvalidValue, "must not be empty", "")...)
	tests = append(tests, bad(named("Alias"), KindInvalidValue, "must start with a letter", "1st", "-x", "_x")...)
	tests = append(tests, bad(named("Alias"), KindInvalidValue, "longer than 64 characters", "a"+strings.Repeat("x", 64))...)
	tests = append(tests, bad(named("UUID"), KindInvalidValue, "8-4-4-4-12", "", "f81d4fae7dec11d0a76500a0c91e6bf6", "f81d4fae-7dec-11d0-a765-00a0c91e6bfg")...)
	tests = append(tests, bad(named("URL"), KindInvalidValue, "longer than 2048", strings.Repeat("x", 2049))...)
	tests = append(tests, bad(named("URN"), KindInvalidValue, "urn:<NID>:<NSS>", "http://x", "urn:a:x", "urn:-ab:x", "urn:ab:")...)
	tests = append(tests, bad(named("JSONObject"), KindInvalidValue, "not a JSON object", "[]", "{", "1")...)
	tests = append(tests, bad(DataType{Base: TypeUnsignedInt, Named: "Order"}, KindInvalidValue, "less than 1", "0")...)
	tests = append(tests, bad(named("NoSuchType"), KindInternal, "unknown named data type", "x")...)
	tests = append(tests, bad(DataType{Base: TypeUnsignedInt, Named: "MACAddress"}, KindInternal, "based on string, not unsignedInt", "1")...)
	tests = append(tests, bad(DataType{Base: TypeString, MaxLen: 3}, KindInvalidValue, "4 characters long, more than the maximum 3", "abcd", "äöüß")...)
	tests = append(tests, bad(DataType{Base: TypeString, Enum: []string{"Up", "Down"}}, KindInvalidValue, "not one of the values allowed for string: Up, Down", "up", "")...)
	tests = append(tests, bad(DataType{Base: TypeUnsignedInt, Min: i64(1), Max: i64(65535)}, KindInvalidValue, "less than the minimum 1", "0")...)
	tests = append(tests, bad(DataType{Base: TypeUnsignedInt, Min: i64(1), Max: i64(65535)}, KindInvalidValue, "more than the maximum 65535", "65536", "4294967295")...)
	tests = append(tests, bad(DataType{Base: TypeInt, Min: i64(-10), Max: i64(-1)}, KindInvalidValue, "minimum", "-11")...)
	tests = append(tests, bad(DataType{Base: TypeInt, Min: i64(-10), Max: i64(-1)}, KindInvalidValue, "maximum", "0")...)
	tests = append(tests, bad(DataType{Base: TypeUnsignedLong, Max: i64(9223372036854775807)}, KindInvalidValue, "maximum", "9223372036854775808")...)
	tests = append(tests, bad(DataType{Base: TypeDecimal, Min: i64(0), Max: i64(100)}, KindInvalidValue, "minimum", "-0.001")...)
	tests = append(tests, bad(DataType{Base: TypeDecimal, Min: i64(0), Max: i64(100)}, KindInvalidValue, "maximum", "100.0001", "1000000000000000000000000")...)
	tests = append(tests, bad(DataType{Base: TypeHexBinary, MaxLen: 2}, KindInvalidValue, "3 bytes long", "aabbcc")...)
	tests = append(tests, bad(DataType{Base: TypeBase64, MaxLen: 2}, KindInvalidValue, "3 bytes long", "AAEC")...)
	tests = append(tests, bad(DataType{Base: TypeUnsignedInt, List: true}, KindInvalidType, "list item 2: value \"x\" is not a valid unsignedInt", "1,x,3")...)
	tests = append(tests, bad(DataType{Base: TypeUnsignedInt, List: true}, KindInvalidType, "list item 2", "1,,3", "1,")...)
	tests = append(tests, bad(DataType{Base: TypeString, Named: "IPv4Address", List: true, MaxLen: 16}, KindInvalidValue, "17 characters long, more than the maximum 16", "10.0.0.1,10.0.0.2")...)
	tests = append(tests, bad(DataType{Base: TypeString, Named: "IPv4Address", List: true}, KindInvalidValue, "list item 1", "::1")...)
	tests = append(tests, bad(DataType{Base: TypeString, List: true, Enum: []string{"A", "B"}}, KindInvalidValue, "list item 3", "A,B,C")...)
	tests = append(tests, bad(DataType{Base: TypeString, List: true}, KindInvalidValue, "control character", "a,\x00")...)

	for _, tt := range tests {
		t.Run(tt.t.String()+"/"+clip(tt.v), func(t *testing.T) {
			err := tt.t.Validate(tt.v)
			if tt.kind < 0 {
				if err != nil {
					t.Fatalf("Validate(%q) = %v, want nil", tt.v, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%q) = nil, want %v", tt.v, tt.kind)
			}
			e, ok := err.(*Error)
			if !ok || e.Kind != tt.kind {
				t.Fatalf("Validate(%q) = %v (kind %v), want kind %v", tt.v, err, KindOf(err), tt.kind)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Msg, tt.msg)
			}
		})
	}
}

type validateCase struct {
	t    DataType
	v    string
	kind Kind // -1: valid
	msg  string
}

func TestValidateMessageClipsValue(t *testing.T) {
	err := DataType{Base: TypeInt}.Validate(strings.Repeat("9x", 1000))
	if msg := Message(err); len(msg) > 150 {
		t.Errorf("message is %d bytes: %q", len(msg), msg)
	}
	err = DataType{Base: TypeString, Enum: strings.Split("a,b,c,d,e,f,g,h,i,j,k,l", ",")}.Validate("z")
	if msg := Message(err); !strings.HasSuffix(msg, "a, b, c, d, e, f, g, h, i, j, ... (2 more)") {
		t.Errorf("message = %q", msg)
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{UnknownTime, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2021-06-06T08:00:00Z", time.Date(2021, 6, 6, 8, 0, 0, 0, time.UTC)},
		{"2021-06-06T10:30:00+02:30", time.Date(2021, 6, 6, 8, 0, 0, 0, time.UTC)},
		{"2021-06-06T08:00:00.5-01:00", time.Date(2021, 6, 6, 9, 0, 0, 500000000, time.UTC)},
		{"2021-06-06T08:00:00.1234567891234Z", time.Date(2021, 6, 6, 8, 0, 0, 123456789, time.UTC)},
		{"0001-01-03T03:04:05", time.Date(1, 1, 3, 3, 4, 5, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDateTime(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseDateTime("yesterday"); KindOf(err) != KindInvalidType {
		t.Errorf("ParseDateTime(yesterday) error = %v", err)
	}
}

func TestFormatDateTime(t *testing.T) {
	cest := time.FixedZone("CEST", 2*3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Time{}, UnknownTime},
		{time.Date(2024, 7, 1, 14, 5, 9, 999999999, cest), "2024-07-01T12:05:09Z"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), UnknownTime},
		{time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), UnknownTime},
	}
	for _, tt := range tests {
		if got := FormatDateTime(tt.in); got != tt.want {
			t.Errorf("FormatDateTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
		if err := (DataType{Base: TypeDateTime}).Validate(FormatDateTime(tt.in)); err != nil {
			t.Errorf("FormatDateTime output invalid: %v", err)
		}
	}
}

func TestBool(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "1": true, "false": false, "0": false} {
		if got, err := ParseBool(in); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseBool("yes"); KindOf(err) != KindInvalidType {
		t.Errorf("ParseBool(yes) error = %v", err)
	}
	if FormatBool(true) != "true" || FormatBool(false) != "false" {
		t.Error("FormatBool")
	}
}

func TestFormatMAC(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"00:0c:42:aa:bb:cc": "00:0C:42:AA:BB:CC",
		"00:0C:42:AA:BB:CC": "00:0C:42:AA:BB:CC",
		"00-0c-42-aa-bb-cc": "00:0C:42:AA:BB:CC",
		"000c.42aa.bbcc":    "00:0C:42:AA:BB:CC",
		"000c42aabbcc":      "00:0C:42:AA:BB:CC",
	} {
		if got, err := FormatMAC(in); err != nil || got != want {
			t.Errorf("FormatMAC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"00:0c:42:aa:bb", "00:0c-42:aa:bb:cc", "00:0c:42:aa:bb:cg", "000c42aabbc", "000c:42aa:bbcc", "0:c:42:aa:bb:cc:d", "+0c42aabbcc0"} {
		if got, err := FormatMAC(in); KindOf(err) != KindInvalidValue {
			t.Errorf("FormatMAC(%q) = %q, %v; want KindInvalidValue", in, got, err)
		}
	}
}

func TestSubnetMask(t *testing.T) {
	for n, want := range map[int]string{0: "0.0.0.0", 1: "128.0.0.0", 8: "255.0.0.0", 24: "255.255.255.0", 30: "255.255.255.252", 32: "255.255.255.255", -1: "", 33: ""} {
		if got := MaskFromPrefixLen(n); got != want {
			t.Errorf("MaskFromPrefixLen(%d) = %q, want %q", n, got, want)
		}
		if want == "" {
			continue
		}
		if got, err := PrefixLenFromMask(want); err != nil || got != n {
			t.Errorf("PrefixLenFromMask(%q) = %d, %v; want %d", want, got, err, n)
		}
	}
	for _, in := range []string{"255.0.255.0", "0.0.0.255", "255.255.255.1", "::", "255.255.255", ""} {
		if got, err := PrefixLenFromMask(in); KindOf(err) != KindInvalidValue {
			t.Errorf("PrefixLenFromMask(%q) = %d, %v; want KindInvalidValue", in, got, err)
		}
	}
}

func TestKnownNamedType(t *testing.T) {
	for _, n := range []string{"IPAddress", "IPv4Address", "IPv6Address", "IPPrefix", "IPv4Prefix", "IPv6Prefix", "MACAddress", "Alias", "UUID", "StatsCounter64"} {
		if !KnownNamedType(n) {
			t.Errorf("KnownNamedType(%q) = false", n)
		}
	}
	if KnownNamedType("IPv4Adress") {
		t.Error("KnownNamedType accepts a typo")
	}
}

func FuzzValidate(f *testing.F) {
	f.Add(uint8(TypeString), "", false, "eth0")
	f.Add(uint8(TypeString), "IPv4Address", false, "192.168.1.1")
	f.Add(uint8(TypeString), "IPPrefix", true, "10.0.0.0/8, ::/0")
	f.Add(uint8(TypeString), "MACAddress", false, "00:0C:42:AA:BB:CC")
	f.Add(uint8(TypeString), "Alias", false, "cpe-1")
	f.Add(uint8(TypeUnsignedInt), "", true, "1,2,+3")
	f.Add(uint8(TypeDecimal), "", false, "-0.5")
	f.Add(uint8(TypeDateTime), "", false, "2021-06-06T08:00:00.5+05:30")
	f.Add(uint8(TypeBase64), "", false, "aGVsbG8=")
	f.Add(uint8(TypeHexBinary), "", false, "0aFF")
	names := []string{"", "IPAddress", "IPv4Address", "IPv6Address", "IPPrefix", "IPv4Prefix", "IPv6Prefix",
		"MACAddress", "IEEE_EUI64", "ZigBeeNetworkAddress", "Alias", "UUID", "URN", "JSONObject", "Order"}
	f.Fuzz(func(t *testing.T, base uint8, named string, list bool, v string) {
		typ := DataType{Base: BaseType(base % 10), Named: named, List: list, MaxLen: 40, Min: i64(-5), Max: i64(1 << 40)}
		if base%3 == 0 {
			typ.Named = names[int(base)%len(names)]
		}
		err := typ.Validate(v)
		if err == nil {
			if checkText(v) != "" {
				t.Fatalf("Validate accepted bad text %q", v)
			}
			if typ.List {
				return
			}
			// What Validate accepts, the comparison code must parse.
			if _, ok := compare(typ, v, v); !ok && typ.Base != TypeString {
				t.Fatalf("compare cannot parse valid %s value %q", typ, v)
			}
			if typ.Base == TypeDateTime {
				tm, err := ParseDateTime(v)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := ParseDateTime(FormatDateTime(tm)); err != nil {
					t.Fatalf("FormatDateTime(%v) does not parse: %v", tm, err)
				}
			}
			return
		}
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("error %T is not *Error", err)
		}
		switch e.Kind {
		case KindInvalidType, KindInvalidValue:
		case KindInternal:
			if KnownNamedType(typ.Named) && !strings.Contains(e.Msg, "is based on") {
				t.Fatalf("internal error for known named type: %v", err)
			}
		default:
			t.Fatalf("unexpected kind %v: %v", e.Kind, err)
		}
		if len(e.Msg) > 400 {
			t.Fatalf("message is %d bytes", len(e.Msg))
		}
	})
}
