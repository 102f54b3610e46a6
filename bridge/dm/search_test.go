package dm

import (
	"strings"
	"testing"
)

// cond parses "[expr]" and returns its only condition.
func cond(t *testing.T, expr string) Cond {
	t.Helper()
	p, err := ParsePath("Device.X.[" + expr + "].")
	if err != nil {
		t.Fatalf("ParsePath: %v", err)
	}
	return p.Segments[2].Expr[0]
}

func TestCondMatch(t *testing.T) {
	var (
		str   = DataType{Base: TypeString}
		enum  = DataType{Base: TypeString, Enum: []string{"Up", "Down"}}
		b     = DataType{Base: TypeBoolean}
		u32   = DataType{Base: TypeUnsignedInt}
		i32   = DataType{Base: TypeInt}
		dec   = DataType{Base: TypeDecimal}
		dt    = DataType{Base: TypeDateTime}
		hexb  = DataType{Base: TypeHexBinary}
		b64   = DataType{Base: TypeBase64}
		ip    = DataType{Base: TypeString, Named: "IPAddress"}
		mac   = DataType{Base: TypeString, Named: "MACAddress"}
		slist = DataType{Base: TypeString, List: true}
		ulist = DataType{Base: TypeUnsignedInt, List: true}
	)
	tests := []struct {
		typ  DataType
		expr string
		v    string
		want bool
	}{
		{str, `Name=="eth0"`, "eth0", true},
		{str, `Name=="eth0"`, "eth1", false},
		{str, `Name!="eth0"`, "eth1", true},
		{str, `Name==""`, "", true},
		{enum, `Status=="Up"`, "Up", true},
		{b, `Enable==true`, "1", true},
		{b, `Enable==1`, "true", true},
		{b, `Enable!=false`, "0", false},
		{u32, `ErrorsSent>0`, "3", true},
		{u32, `ErrorsSent>0`, "0", false},
		{u32, `X==123`, "+0123", true},
		{u32, `X<=+10`, "10", true},
		{u32, `X>=11`, "10", false},
		{i32, `X<-1`, "-2", true},
		{i32, `X<-1`, "-1", false},
		{i32, `X!=0`, "-0", false},
		{dec, `X<1.5`, "1.49", true},
		{dec, `X==1.50`, "1.5", true},
		{dec, `X>-0.1`, "0", true},
		{dt, `ValidLifetime<2021-06-06T08:00:00Z`, "2021-06-06T07:59:59Z", true},
		{dt, `ValidLifetime<2021-06-06T08:00:00Z`, "2021-06-06T10:00:00+02:00", false},
		{dt, `ValidLifetime==2021-06-06T08:00:00Z`, "2021-06-06T10:00:00+02:00", true},
		{dt, `T>2000-01-01T00:00:00Z`, UnknownTime, false},
		{dt, `T<2000-01-01T00:00:00Z`, UnknownTime, false},
		{dt, `T!=2000-01-01T00:00:00Z`, UnknownTime, true},
		{dt, `T==0001-01-01T00:00:00Z`, UnknownTime, true},
		{dt, `T==0001-01-01T00:00:00Z`, "0001-01-01T00:00:00+00:00", true},
		{dt, `T<0001-01-01T00:00:01`, "0001-01-01T00:00:00", true}, // relative times since boot are ordered
		{hexb, `DeviceClass==08`, "08", true},
		{hexb, `DeviceClass==0a`, "0A", true},
		{hexb, `DeviceClass=="0a"`, "0B", false},
		{b64, `Data=="aGVsbG8="`, "aGVsbG8=", true},
		{ip, `IPAddress=="2001:DB8::1"`, "2001:db8:0:0::1", true},
		{ip, `IPAddress=="10.0.0.1"`, "10.0.0.2", false},
		{mac, `MACAddress=="00:0c:42:aa:bb:cc"`, "00:0C:42:AA:BB:CC", true},
		{slist, `Capabilities~="IPv6Firewall"`, "PCP, IPv6Firewall", true},
		{slist, `Capabilities~="IPv6"`, "PCP,IPv6Firewall", false},
		{slist, `Capabilities~=""`, "", false},
		{slist, `LowerLayers=="Device.A.1,Device.A.2"`, "Device.A.1, Device.A.2", true},
		{slist, `LowerLayers=="Device.A.1"`, "Device.A.1,Device.A.2", false},
		{slist, `LowerLayers!=""`, "", false},
		{ulist, `SampleSeconds~=5`, "1,5,10", true},
		{ulist, `SampleSeconds~=+05`, "1,5,10", true},
		{ulist, `SampleSeconds~=6`, "1,5,10", false},
		{ulist, `SampleSeconds=="1,5"`, "1, 05", true},
		// A value that does not parse as its type matches nothing.
		{u32, `X!=1`, "junk", false},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String()+" "+tt.expr+" "+tt.v, func(t *testing.T) {
			got, err := cond(t, tt.expr).Match(tt.typ, tt.v)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != tt.want {
				t.Errorf("Match(%q) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
}

func TestCondCheck(t *testing.T) {
	var (
		str  = DataType{Base: TypeString}
		b    = DataType{Base: TypeBoolean}
		u32  = DataType{Base: TypeUnsignedInt}
		dt   = DataType{Base: TypeDateTime}
		list = DataType{Base: TypeString, List: true}
	)
	tests := []struct {
		typ  DataType
		expr string
		want string
	}{
		{b, `Enable=="true"`, `invalid search expression "Enable==\"true\"": boolean constants must not be quoted`},
		{str, `Type==Normal`, "string constants must be double-quoted"},
		{str, `Name<"b"`, "< does not apply to string (use == or !=)"},
		{b, `Enable>0`, "> does not apply to boolean"},
		{u32, `X==-1`, `constant "-1" is not a valid unsignedInt`},
		{u32, `X==1.5`, "not a valid unsignedInt"},
		{dt, `T<2021-06-06`, "not a valid dateTime"},
		{dt, `T>0001-01-01T00:00:00Z`, "> does not apply to the Unknown Time"},
		{dt, `T<=0001-01-01T00:00:00-00:00`, "<= does not apply to the Unknown Time"},
		{str, `Caps~="a"`, "~= applies only to list parameters, not string"},
		{list, `Caps<"a"`, "< does not apply to list:string"},
		{list, `Caps==a`, "list:string constants must be double-quoted"},
		{DataType{Base: TypeUnsignedInt, List: true}, `S~="5"`, "unsignedInt constants must not be quoted"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			c := cond(t, tt.expr)
			err := c.Check(tt.typ)
			if err == nil {
				t.Fatal("Check accepted it")
			}
			if KindOf(err) != KindInvalidPathSyntax || !strings.Contains(Message(err), tt.want) {
				t.Errorf("Check = %v (kind %v), want %q", err, KindOf(err), tt.want)
			}
			if _, err := c.Match(tt.typ, "x"); err == nil {
				t.Error("Match did not return Check's error")
			}
		})
	}
}
