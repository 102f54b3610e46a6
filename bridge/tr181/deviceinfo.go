package tr181

import (
	"strings"

	"github.com/uspbridge/uspbridge/routeros"
)

// Device.DeviceInfo. (TR-181 2.19) from /system/resource, /system/routerboard,
// /system/license and the first ethernet port (tr069ref.md §A).

const (
	menuResource    = "/system/resource"
	menuRouterboard = "/system/routerboard"
	menuLicense     = "/system/license"
	menuEthernet    = "/interface/ethernet"
	menuIdentity    = "/system/identity"
)

// IdentityMenus returns the menus IdentityOf reads.
func IdentityMenus() []string {
	return []string{menuResource, menuRouterboard, menuLicense, menuEthernet}
}

// Identity is the router's identity as DESIGN.md §3 defines it.
type Identity struct {
	Manufacturer string // "MikroTik"
	OUI          string // first ethernet port's factory MAC, 6 upper-case hex digits
	ProductClass string // RouterBOARD model, else /system/resource board-name (CHR)
	SerialNumber string // RouterBOARD serial number, else /system/license software-id/system-id
	ModelName    string // /system/resource board-name, e.g. "hAP ax^2"
}

// IdentityOf derives the identity from a snapshot of IdentityMenus.
func IdentityOf(s Snapshot) Identity {
	res := single(s, menuResource)
	rb := single(s, menuRouterboard)
	id := Identity{Manufacturer: "MikroTik", ModelName: res["board-name"]}
	if rosBool(rb["routerboard"]) && rb["model"] != "" {
		id.ProductClass = rb["model"]
	} else {
		id.ProductClass = res["board-name"]
	}
	if id.ModelName == "" {
		id.ModelName = id.ProductClass
	}
	id.SerialNumber = rb["serial-number"]
	if id.SerialNumber == "" {
		lic := single(s, menuLicense)
		id.SerialNumber = lic["software-id"]
		if id.SerialNumber == "" {
			id.SerialNumber = lic["system-id"]
		}
	}
	id.OUI = ouiOf(firstEthernet(s))
	return id
}

// firstEthernet returns ether1 by its factory name, else the first port.
func firstEthernet(s Snapshot) routeros.Record {
	if r := s.Find(menuEthernet, "default-name", "ether1"); r != nil {
		return r
	}
	if rs := s.Menu(menuEthernet); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

func ouiOf(r routeros.Record) string {
	mac := r["orig-mac-address"]
	if mac == "" {
		mac = r["mac-address"]
	}
	mac = macUpper(mac)
	if mac == "" {
		return ""
	}
	return strings.ReplaceAll(mac[:8], ":", "")
}

// softwareVersion strips the release channel: "7.19.4 (stable)" → "7.19.4".
func softwareVersion(v string) string {
	if i := strings.IndexByte(v, ' '); i > 0 {
		return v[:i]
	}
	return v
}

func deviceInfo() []*Object {
	res := func(name string) func(Snapshot, *Item) string {
		return func(s Snapshot, _ *Item) string { return single(s, menuResource)[name] }
	}
	ident := func(f func(Identity) string) func(Snapshot, *Item) string {
		return func(s Snapshot, _ *Item) string { return f(IdentityOf(s)) }
	}
	return []*Object{
		{
			Path:  "Device.DeviceInfo.",
			Menus: append(IdentityMenus(), menuIdentity),
			Params: []Param{
				{Name: "Manufacturer", Type: strN(64), Source: "constant MikroTik", Get: ident(func(i Identity) string { return i.Manufacturer })},
				{Name: "ManufacturerOUI", Type: strN(6), Source: "/interface/ethernet orig-mac-address of ether1 (first 3 octets)", Get: ident(func(i Identity) string { return i.OUI })},
				{Name: "ModelName", Type: strN(64), Source: "/system/resource board-name", Get: ident(func(i Identity) string { return i.ModelName })},
				{Name: "Description", Type: strN(256), Source: "/system/resource board-name, architecture-name", Get: func(s Snapshot, _ *Item) string {
					r := single(s, menuResource)
					d := "MikroTik " + r["board-name"]
					if a := r["architecture-name"]; a != "" {
						d += " (" + a + ")"
					}
					return d
				}},
				{Name: "ProductClass", Type: strN(64), Source: "/system/routerboard model; CHR: /system/resource board-name", Get: ident(func(i Identity) string { return i.ProductClass })},
				{Name: "SerialNumber", Type: strN(64), Source: "/system/routerboard serial-number; CHR: /system/license software-id", Get: ident(func(i Identity) string { return i.SerialNumber })},
				{Name: "HardwareVersion", Type: strN(64), Source: "/system/routerboard revision, else model", Get: func(s Snapshot, _ *Item) string {
					if rev := single(s, menuRouterboard)["revision"]; rev != "" {
						return rev
					}
					return IdentityOf(s).ProductClass
				}},
				{Name: "SoftwareVersion", Type: strN(64), Source: "/system/resource version (without the channel)", Get: func(s Snapshot, _ *Item) string {
					return softwareVersion(single(s, menuResource)["version"])
				}},
				{Name: "HostName", Type: strN(64), Source: "/system/identity name", Get: func(s Snapshot, _ *Item) string {
					return single(s, menuIdentity)["name"]
				}},
				{Name: "UpTime", Type: uint32T(), Volatile: true, Source: "/system/resource uptime (seconds)", Get: func(s Snapshot, _ *Item) string {
					n, _ := seconds(single(s, menuResource)["uptime"])
					return uint32Clamp(uintString(n))
				}},
			},
		},
		{
			Path:  "Device.DeviceInfo.MemoryStatus.",
			Menus: []string{menuResource},
			Params: []Param{
				{Name: "Total", Type: uint32T(), Source: "/system/resource total-memory (KiB)", Get: func(s Snapshot, it *Item) string { return kib(res("total-memory")(s, it)) }},
				{Name: "Free", Type: uint32T(), Volatile: true, Source: "/system/resource free-memory (KiB)", Get: func(s Snapshot, it *Item) string { return kib(res("free-memory")(s, it)) }},
			},
		},
		{
			Path:  "Device.DeviceInfo.ProcessStatus.",
			Menus: []string{menuResource},
			Params: []Param{
				{Name: "CPUUsage", Type: uint32T(), Volatile: true, Source: "/system/resource cpu-load (percent)", Get: func(s Snapshot, it *Item) string { return uintOr0(res("cpu-load")(s, it)) }},
			},
		},
	}
}
