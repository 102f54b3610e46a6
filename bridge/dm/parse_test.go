package dm

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func name(n string) Segment       { return Segment{Kind: SegName, Name: n} }
func ref(n string, i int) Segment { return Segment{Kind: SegName, Name: n, Ref: &RefFollow{Index: i}} }
func inst(n int) Segment          { return Segment{Kind: SegInstance, Instance: n} }
func search(cs ...Cond) Segment   { return Segment{Kind: SegSearch, Expr: cs} }

var (
	wild = Segment{Kind: SegWildcard}
	ph   = Segment{Kind: SegPlaceholder}
)

func rel(names ...string) []Segment {
	out := make([]Segment, len(names))
	for i, n := range names {
		out[i] = name(n)
	}
	return out
}

func TestParsePathValid(t *testing.T) {
	tests := []struct {
		in        string
		want      Path
		canonical string // "" when the input is already canonical
		search    bool
		supported string
	}{
		{in: "Device.", want: Path{[]Segment{name("Device")}, PathObject}, supported: "Device."},
		{in: "Device.IP.Interface.", want: Path{[]Segment{name("Device"), name("IP"), name("Interface")}, PathObject}},
		{in: "Device.IP.Interface.3.", want: Path{[]Segment{name("Device"), name("IP"), name("Interface"), inst(3)}, PathObject},
			supported: "Device.IP.Interface.{i}."},
		{in: "Device.IP.Interface.3.IPv4Address.*.IPAddress",
			want:      Path{[]Segment{name("Device"), name("IP"), name("Interface"), inst(3), name("IPv4Address"), wild, name("IPAddress")}, PathParam},
			search:    true,
			supported: "Device.IP.Interface.{i}.IPv4Address.{i}.IPAddress"},
		{in: "Device.IP.Interface.{i}.IPv4Address.{i}.",
			want: Path{[]Segment{name("Device"), name("IP"), name("Interface"), ph, name("IPv4Address"), ph}, PathObject}},
		{in: "Device.DeviceInfo.X_MIKROTIK_Board-Name",
			want: Path{[]Segment{name("Device"), name("DeviceInfo"), name("X_MIKROTIK_Board-Name")}, PathParam}},
		{in: "Device.DeviceInfo._Hidden", want: Path{[]Segment{name("Device"), name("DeviceInfo"), name("_Hidden")}, PathParam}},
		{in: "Device.Reboot()", want: Path{[]Segment{name("Device"), name("Reboot")}, PathCommand}},
		{in: "Device.Boot!", want: Path{[]Segment{name("Device"), name("Boot")}, PathEvent}},
		{in: "Device.LocalAgent.Periodic!", want: Path{[]Segment{name("Device"), name("LocalAgent"), name("Periodic")}, PathEvent}},
		{in: `Device.IP.Interface.[Name=="eth0"].Reset()`,
			want:      Path{[]Segment{name("Device"), name("IP"), name("Interface"), search(Cond{rel("Name"), OpEq, "eth0", true}), name("Reset")}, PathCommand},
			search:    true,
			supported: "Device.IP.Interface.{i}.Reset()"},
		{in: `Device.WiFi.SSID.[SSID=="HomeNetwork"&&BSSID=="00:11:22:33:44:55"].`,
			want: Path{[]Segment{name("Device"), name("WiFi"), name("SSID"), search(
				Cond{rel("SSID"), OpEq, "HomeNetwork", true},
				Cond{rel("BSSID"), OpEq, "00:11:22:33:44:55", true})}, PathObject},
			search: true},
		{in: `Device.LocalAgent.Subscription.[ID=="boot-1"&&Recipient=="Device.LocalAgent.Controller.1"].Enable`,
			want: Path{[]Segment{name("Device"), name("LocalAgent"), name("Subscription"), search(
				Cond{rel("ID"), OpEq, "boot-1", true},
				Cond{rel("Recipient"), OpEq, "Device.LocalAgent.Controller.1", true}), name("Enable")}, PathParam},
			search: true, supported: "Device.LocalAgent.Subscription.{i}.Enable"},
		{in: `Device.IP.Interface.[Stats.ErrorsSent>0].`,
			want:   Path{[]Segment{name("Device"), name("IP"), name("Interface"), search(Cond{rel("Stats", "ErrorsSent"), OpGt, "0", false})}, PathObject},
			search: true},
		{in: `Device.WiFi.AccessPoint.[SSIDReference+.SSID=="MyHome"].`,
			want: Path{[]Segment{name("Device"), name("WiFi"), name("AccessPoint"), search(
				Cond{[]Segment{ref("SSIDReference", 0), name("SSID")}, OpEq, "MyHome", true})}, PathObject},
			search: true},
		{in: `Device.WiFi.AccessPoint.[SSIDReference+.SSID=="MyHome"].AssociatedDevice.[OperatingStandard=="ac"].SignalStrength`,
			want: Path{[]Segment{name("Device"), name("WiFi"), name("AccessPoint"),
				search(Cond{[]Segment{ref("SSIDReference", 0), name("SSID")}, OpEq, "MyHome", true}),
				name("AssociatedDevice"),
				search(Cond{rel("OperatingStandard"), OpEq, "ac", true}),
				name("SignalStrength")}, PathParam},
			search: true, supported: "Device.WiFi.AccessPoint.{i}.AssociatedDevice.{i}.SignalStrength"},
		{in: "Device.NAT.PortMapping.1.Interface+.Name",
			want:   Path{[]Segment{name("Device"), name("NAT"), name("PortMapping"), inst(1), ref("Interface", 0), name("Name")}, PathParam},
			search: true, supported: "Device.NAT.PortMapping.{i}.Interface+.Name"},
		{in: "Device.WiFi.SSID.1.LowerLayers#1+.Name",
			want:   Path{[]Segment{name("Device"), name("WiFi"), name("SSID"), inst(1), ref("LowerLayers", 1), name("Name")}, PathParam},
			search: true},
		{in: "Device.WiFi.SSID.1.LowerLayers#*+.",
			want:   Path{[]Segment{name("Device"), name("WiFi"), name("SSID"), inst(1), ref("LowerLayers", -1)}, PathObject},
			search: true},
		{in: "Device.NAT.PortMapping.1.Interface+.Reset()",
			want:   Path{[]Segment{name("Device"), name("NAT"), name("PortMapping"), inst(1), ref("Interface", 0), name("Reset")}, PathCommand},
			search: true},
		{in: `Device.NAT.PortMapping.[RemoteHost==""&&ExternalPort==0&&Protocol=="TCP"].`,
			want: Path{[]Segment{name("Device"), name("NAT"), name("PortMapping"), search(
				Cond{rel("RemoteHost"), OpEq, "", true},
				Cond{rel("ExternalPort"), OpEq, "0", false},
				Cond{rel("Protocol"), OpEq, "TCP", true})}, PathObject},
			search: true},
		{in: "Device.IP.Interface.*.IPv6Address.[ValidLifetime<2021-06-06T08:00:00Z].IPAddress",
			want: Path{[]Segment{name("Device"), name("IP"), name("Interface"), wild, name("IPv6Address"),
				search(Cond{rel("ValidLifetime"), OpLt, "2021-06-06T08:00:00Z", false}), name("IPAddress")}, PathParam},
			search: true},
		{in: "Device.USB.USBHosts.Host.*.Device.[DeviceClass==08].",
			want: Path{[]Segment{name("Device"), name("USB"), name("USBHosts"), name("Host"), wild, name("Device"),
				search(Cond{rel("DeviceClass"), OpEq, "08", false})}, PathObject},
			search: true},
		{in: `Device.PCP.Client.*.Server.[Capabilities~="IPv6Firewall"].`,
			want: Path{[]Segment{name("Device"), name("PCP"), name("Client"), wild, name("Server"),
				search(Cond{rel("Capabilities"), OpContains, "IPv6Firewall", true})}, PathObject},
			search: true},
		{in: "Device.DSL.Line.[Enable==true&&X!=-5&&Y<=+3&&Z>=1.5&&W~=5].CurrentProfile",
			want: Path{[]Segment{name("Device"), name("DSL"), name("Line"), search(
				Cond{rel("Enable"), OpEq, "true", false},
				Cond{rel("X"), OpNe, "-5", false},
				Cond{rel("Y"), OpLe, "+3", false},
				Cond{rel("Z"), OpGe, "1.5", false},
				Cond{rel("W"), OpContains, "5", false}), name("CurrentProfile")}, PathParam},
			search: true},
		// R-ARC.9a: whitespace around operators and "&&".
		{in: `Device.IP.Interface.[ Type == "Normal" && Stats.ErrorsSent	>	0 ].Status`,
			want: Path{[]Segment{name("Device"), name("IP"), name("Interface"), search(
				Cond{rel("Type"), OpEq, "Normal", true},
				Cond{rel("Stats", "ErrorsSent"), OpGt, "0", false}), name("Status")}, PathParam},
			canonical: `Device.IP.Interface.[Type=="Normal"&&Stats.ErrorsSent>0].Status`,
			search:    true},
		// %-escapes are decoded; String re-escapes only what must be.
		{in: `Device.X.[Name=="a%22b%25c%2fd"].`,
			want:      Path{[]Segment{name("Device"), name("X"), search(Cond{rel("Name"), OpEq, `a"b%c/d`, true})}, PathObject},
			canonical: `Device.X.[Name=="a%22b%25c/d"].`,
			search:    true},
		{in: `Device.X.[Name=="]&&[.,"].`,
			want:   Path{[]Segment{name("Device"), name("X"), search(Cond{rel("Name"), OpEq, "]&&[.,", true})}, PathObject},
			search: true},
		{in: `Device.X.[Name=="tab%09nl%0A"].`,
			want:   Path{[]Segment{name("Device"), name("X"), search(Cond{rel("Name"), OpEq, "tab\tnl\n", true})}, PathObject},
			search: true},
		{in: `Device.X.[Name=="héllo"].`,
			want:   Path{[]Segment{name("Device"), name("X"), search(Cond{rel("Name"), OpEq, "héllo", true})}, PathObject},
			search: true},
		{in: "Device.X.4294967295.", want: Path{[]Segment{name("Device"), name("X"), inst(4294967295)}, PathObject}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePath(tt.in)
			if err != nil {
				t.Fatalf("ParsePath: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParsePath\n got %#v\nwant %#v", got, tt.want)
			}
			canonical := tt.canonical
			if canonical == "" {
				canonical = tt.in
			}
			if s := got.String(); s != canonical {
				t.Errorf("String() = %q, want %q", s, canonical)
			}
			if got.IsSearch() != tt.search {
				t.Errorf("IsSearch() = %v, want %v", got.IsSearch(), tt.search)
			}
			if tt.supported != "" {
				if s := got.SupportedPath(); s != tt.supported {
					t.Errorf("SupportedPath() = %q, want %q", s, tt.supported)
				}
			}
		})
	}
}

func TestParsePathInvalid(t *testing.T) {
	long := "Device." + strings.Repeat("A.", MaxPathLen/2)
	many := "Device." + strings.Repeat("A.", MaxSegments)
	manyConds := "Device.X.[" + strings.Repeat("A==1&&", MaxConditions) + "A==1]."
	tests := []struct {
		in   string
		want string // the message, or a part of it after "invalid path ...: "
	}{
		{"", `invalid path "": empty`},
		{"Device..IP", `invalid path "Device..IP": empty segment at offset 7`},
		{".Device.", "empty segment at offset 0"},
		{"Device.IP..", "empty segment at offset 10"},
		{"Device", `"Device" must be followed by "." at offset 6`},
		{"device.", `path must start with "Device." at offset 0`},
		{"InternetGatewayDevice.", `path must start with "Device." at offset 0`},
		{"Device+.X", `path must start with "Device." at offset 0`},
		{"Device.1.", "instance identifier 1 must follow a table name at offset 7"},
		{"Device.*.", "instance identifier * must follow a table name at offset 7"},
		{"Device.IP.Interface.1.2.", "instance identifier 2 must follow a table name at offset 22"},
		{"Device.IP.Interface.0.", "instance number must be 1 or more at offset 20"},
		{"Device.IP.Interface.01.", `instance number "01" has a leading zero at offset 20`},
		{"Device.IP.Interface.+1.", "unexpected character '+' at offset 20"},
		{"Device.IP.Interface.-1.", "unexpected character '-' at offset 20"},
		{"Device.IP.Interface.1a.", `invalid name "1a": names start with a letter or "_" at offset 20`},
		{"Device.IP.Interface.99999999999.", "instance number 99999999999 is too large at offset 20"},
		{"Device.IP.Interface.1", `instance identifier must be followed by "." at offset 21`},
		{"Device.IP.Interface.*", `instance identifier must be followed by "." at offset 21`},
		{"Device.IP.Inter face.", "unexpected character ' ' at offset 15"},
		{"Device.IP.Interface.{j}.", `expected "{i}" at offset 20`},
		{"Device.IP.Interface.{Type==\"Normal\"}.Status", `expected "{i}" at offset 20`},
		{"Device.IP.Intérface.", "unexpected character 'é' at offset 13"},
		{"Device.IP.\xff.", "unexpected byte 0xff at offset 10"},
		{"Device.NAT.PortMapping.1.Interface+", `reference following must be followed by "." and a name at offset 35`},
		{"Device.NAT.PortMapping.1.Interface+Name", "unexpected character 'N' at offset 35"},
		{"Device.NAT.PortMapping.1.Interface+.1.", "instance identifier 1 must follow a table name at offset 36"},
		{"Device.X.Y#+.Z", "expected a list item number at offset 11"},
		{"Device.X.Y#0+.Z", "list item number must be 1 or more at offset 11"},
		{"Device.X.Y#2.Z", `expected "+" after list item number at offset 12`},
		{"Device.Reboot(", `expected "()" after command name at offset 13`},
		{"Device.Reboot().", "unexpected text after command name at offset 15"},
		{"Device.Reboot()x", "unexpected text after command name at offset 15"},
		{"Device.Boot!.", "unexpected text after event name at offset 12"},
		{"Device.()", "unexpected character '(' at offset 7"},
		{"Device!", "unexpected character '!' at offset 6"},
		{"Device.X.1()", "unexpected character '(' at offset 10"},
		{"Device.X.[].", "empty search expression at offset 9"},
		{"Device.X.[ ].", "empty search expression at offset 9"},
		{`Device.X.[Name=="eth0"`, "unterminated search expression at offset 9"},
		{`Device.X.[Name=="eth0].`, "unterminated string constant at offset 16"},
		{`Device.X.[Name="eth0"].`, "expected an operator (==, !=, ~=, <, >, <=, >=) at offset 14"},
		{`Device.X.[Name=~"eth0"].`, "expected an operator (==, !=, ~=, <, >, <=, >=) at offset 14"},
		{`Device.X.[Name==].`, "expected a constant at offset 16"},
		{`Device.X.[Name==eth 0].`, `expected "&&" or "]" at offset 20`},
		{`Device.X.[A==1||B==2].`, `expected "&&" or "]" at offset 14`},
		{`Device.X.[A==1&B==2].`, `expected "&&" or "]" at offset 14`},
		{`Device.X.[A==1&&].`, "expected a parameter name at offset 16"},
		{`Device.X.[==1].`, "expected a parameter name at offset 10"},
		{`Device.IP.Interface.[Type=="Normal"&&IPv4Address.*.AddressingType=="Static"].Status`,
			"instance identifiers are not allowed in a search expression parameter at offset 49"},
		{`Device.X.[Ref+=="a"].`, `reference following must be followed by "." and a name at offset 14`},
		{`Device.X.[Name=="50%"].`, "invalid percent escape (use %22 for '\"' and %25 for '%') at offset 19"},
		{`Device.X.[Name=="%zz"].`, "invalid percent escape (use %22 for '\"' and %25 for '%') at offset 17"},
		{`Device.X.[Name=="%00"].`, "string constant contains NUL at offset 16"},
		{`Device.X.[Name=="%ff"].`, "string constant is not valid UTF-8 at offset 16"},
		{`Device.X.[Name=="a"]`, `instance identifier must be followed by "." at offset 20`},
		{`Device.X.[Name=="a"]Y`, "unexpected character 'Y' at offset 20"},
		{long, "longer than 8192 bytes"},
		{many, "more than 256 segments"},
		{manyConds, "more than 64 conditions"},
	}
	for _, tt := range tests {
		label := tt.in
		if len(label) > 60 {
			label = label[:60]
		}
		t.Run(label, func(t *testing.T) {
			p, err := ParsePath(tt.in)
			if err == nil {
				t.Fatalf("ParsePath accepted it: %#v", p)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalidPathSyntax {
				t.Fatalf("error %v is not an *Error of KindInvalidPathSyntax", err)
			}
			if !strings.Contains(e.Msg, tt.want) {
				t.Errorf("message %q\ndoes not contain %q", e.Msg, tt.want)
			}
		})
	}
}

func TestParsePathMessageClipsLongInput(t *testing.T) {
	in := "Device." + strings.Repeat("A", 1000) + ".."
	_, err := ParsePath(in)
	if err == nil {
		t.Fatal("accepted")
	}
	if msg := Message(err); len(msg) > 300 || !strings.Contains(msg, "empty segment at offset 1008") {
		t.Errorf("message (%d bytes) = %q", len(msg), msg)
	}
}

func TestParseReference(t *testing.T) {
	valid := []struct {
		in   string
		kind PathKind
		str  string
	}{
		{"Device.IP.Interface.1", PathObject, "Device.IP.Interface.1."},
		{"Device.IP.Interface.1.", PathObject, "Device.IP.Interface.1."},
		{`Device.IP.Interface.[Name=="eth0"]`, PathObject, `Device.IP.Interface.[Name=="eth0"].`},
		{"Device.DeviceInfo", PathParam, "Device.DeviceInfo"},
		{"Device.IP.Interface.1.Name", PathParam, "Device.IP.Interface.1.Name"},
	}
	for _, tt := range valid {
		p, err := ParseReference(tt.in)
		if err != nil {
			t.Errorf("ParseReference(%q): %v", tt.in, err)
			continue
		}
		if p.Kind != tt.kind || p.String() != tt.str {
			t.Errorf("ParseReference(%q) = %v %q, want %v %q", tt.in, p.Kind, p.String(), tt.kind, tt.str)
		}
	}
	for _, in := range []string{"", "Device.IP.Interface.*", "Device.IP.Interface.{i}", "Device.X.1.Ref+.Y", "Device.Reboot()", "Device.Boot!", "Device"} {
		if p, err := ParseReference(in); err == nil {
			t.Errorf("ParseReference(%q) accepted: %v", in, p)
		}
	}
}

func TestParseRelative(t *testing.T) {
	got, err := ParseRelative("SSIDReference#2+.Stats.BytesSent")
	if err != nil {
		t.Fatal(err)
	}
	want := []Segment{ref("SSIDReference", 2), name("Stats"), name("BytesSent")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	for _, in := range []string{"", "Stats.", "Stats.1.X", "Ref+", "A B", ".A", "A=="} {
		if segs, err := ParseRelative(in); err == nil {
			t.Errorf("ParseRelative(%q) accepted: %#v", in, segs)
		}
	}
}

func TestPathHelpers(t *testing.T) {
	p := MustParsePath("Device.IP.Interface.3.IPv4Address.2.IPAddress")
	if got := p.Object().String(); got != "Device.IP.Interface.3.IPv4Address.2." {
		t.Errorf("Object() = %q", got)
	}
	if got := p.Leaf(); got != "IPAddress" {
		t.Errorf("Leaf() = %q", got)
	}
	o := MustParsePath("Device.IP.")
	if got := o.Object().String(); got != "Device.IP." || o.Leaf() != "" {
		t.Errorf("object path: Object() = %q, Leaf() = %q", got, o.Leaf())
	}
	c := MustParsePath("Device.IP.Interface.1.Reset()")
	if c.Leaf() != "Reset" || c.Object().String() != "Device.IP.Interface.1." {
		t.Errorf("command: Leaf() = %q, Object() = %q", c.Leaf(), c.Object())
	}
	// Appending to Object() must not clobber p's segments.
	obj := p.Object()
	_ = append(obj.Segments, name("X"))
	if p.Leaf() != "IPAddress" {
		t.Error("Object() shares spare capacity with p")
	}
	if (RefFollow{}).Item() != 1 || (RefFollow{Index: 3}).Item() != 3 || (RefFollow{Index: -1}).Item() != -1 {
		t.Error("RefFollow.Item")
	}
	if OpGe.String() != ">=" || Op(99).String() != "?" {
		t.Error("Op.String")
	}
	defer func() {
		if recover() == nil {
			t.Error("MustParsePath did not panic")
		}
	}()
	MustParsePath("Device..")
}

func TestSplitReferenceList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Device.WiFi.Radio.1", []string{"Device.WiFi.Radio.1"}},
		{"Device.WiFi.Radio.1, Device.WiFi.Radio.2", []string{"Device.WiFi.Radio.1", "Device.WiFi.Radio.2"}},
		{`Device.X.[Name=="a,b"],Device.X.[A=="]"&&B==1].`, []string{`Device.X.[Name=="a,b"]`, `Device.X.[A=="]"&&B==1].`}},
		{"a,", []string{"a", ""}},
	}
	for _, tt := range tests {
		if got := SplitReferenceList(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitReferenceList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"Device.", "Device.IP.Interface.3.IPv4Address.*.IPAddress", "Device.IP.Interface.{i}.",
		`Device.WiFi.SSID.[SSID=="HomeNetwork"&&BSSID=="00:11:22:33:44:55"].`,
		`Device.LocalAgent.Subscription.[ID=="boot-1"&&Recipient=="Device.LocalAgent.Controller.1"].Enable`,
		`Device.IP.Interface.[Stats.ErrorsSent>0].`, `Device.WiFi.AccessPoint.[SSIDReference+.SSID=="MyHome"].`,
		"Device.NAT.PortMapping.1.Interface+.Name", "Device.WiFi.SSID.1.LowerLayers#*+.", "Device.Reboot()", "Device.Boot!",
		`Device.X.[ A == "%22%25" && B<=-1 ].`, "Device.X.[T<2021-06-06T08:00:00Z].", "Device..IP",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			if KindOf(err) != KindInvalidPathSyntax {
				t.Fatalf("error of kind %v: %v", KindOf(err), err)
			}
			return
		}
		text := p.String()
		q, err := ParsePath(text)
		if err != nil {
			t.Fatalf("String() = %q does not parse: %v", text, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip through %q:\n got %#v\nwant %#v", text, q, p)
		}
		if q.String() != text {
			t.Fatalf("String() not stable: %q then %q", text, q.String())
		}
		_ = p.SupportedPath()
		_ = p.IsSearch()
		if r, err := ParseReference(s); err == nil && r.Kind != p.Kind {
			t.Fatalf("ParseReference kind %v, ParsePath kind %v", r.Kind, p.Kind)
		}
		for _, seg := range p.Segments {
			for _, c := range seg.Expr {
				for _, typ := range fuzzTypes {
					ok, err := c.Match(typ, c.Value)
					if err == nil && c.Op == OpEq && !typ.List && !ok {
						t.Fatalf("%s does not match its own constant as %s", c, typ)
					}
				}
			}
		}
	})
}

var fuzzTypes = []DataType{
	{Base: TypeString}, {Base: TypeString, Named: "IPAddress"}, {Base: TypeString, Named: "MACAddress"},
	{Base: TypeBoolean}, {Base: TypeInt}, {Base: TypeUnsignedLong}, {Base: TypeDecimal}, {Base: TypeDateTime},
	{Base: TypeHexBinary}, {Base: TypeBase64}, {Base: TypeString, List: true}, {Base: TypeUnsignedInt, List: true},
}
