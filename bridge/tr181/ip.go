package tr181

import (
	"strconv"
	"strings"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/routeros"
)

// Device.IP. (TR-181 2.19): one IP.Interface per RouterOS interface that
// carries IPv4 configuration (an /ip/address or a DHCP client), each with its
// /ip/address entries as IPv4Address instances (tr069ref.md §A).

const (
	menuIPAddress  = "/ip/address"
	menuDHCPClient = "/ip/dhcp-client"
)

// ipInterfaces lists the interfaces with IPv4 configuration, in /interface
// order. An address on an interface /interface does not list (RouterOS shows
// such references as "*2C") still gets an instance, keyed by that name.
func ipInterfaces(s Snapshot, parent *Item) []Item {
	used := map[string]bool{}
	var order []string
	for _, m := range []string{menuIPAddress, menuDHCPClient} {
		for _, r := range s.Menu(m) {
			n := r["interface"]
			if n != "" && !used[n] {
				used[n] = true
				order = append(order, n)
			}
		}
	}
	var out []Item
	for _, r := range s.Menu(menuInterface) {
		if used[r["name"]] {
			out = append(out, Item{Key: r[".id"], Rec: r, Parent: parent})
			delete(used, r["name"])
		}
	}
	for _, n := range order {
		if used[n] {
			out = append(out, Item{Key: "name:" + n, Rec: routeros.Record{"name": n}, Parent: parent})
		}
	}
	return out
}

// ipv4Addresses lists the /ip/address entries on the parent's interface.
func ipv4Addresses(s Snapshot, parent *Item) []Item {
	var out []Item
	for _, r := range s.Menu(menuIPAddress) {
		if r["interface"] == parent.Rec["name"] {
			out = append(out, Item{Key: r[".id"], Rec: r, Parent: parent})
		}
	}
	return out
}

// splitCIDR splits "192.168.88.1/24" into address and dotted mask. A missing
// prefix length means /32, as RouterOS stores it.
func splitCIDR(v string) (addr, mask string) {
	addr, plen, ok := strings.Cut(v, "/")
	n := 32
	if ok {
		if p, err := strconv.Atoi(plen); err == nil && p >= 0 && p <= 32 {
			n = p
		}
	}
	return addr, dm.MaskFromPrefixLen(n)
}

func ipv4Status(_ Snapshot, it *Item) string {
	switch {
	case rosBool(it.Rec["disabled"]):
		return "Disabled"
	case rosBool(it.Rec["invalid"]):
		return "Error_Misconfigured"
	default:
		return "Enabled"
	}
}

// addressingType tells how the address was configured: a dynamic address on
// an interface with a DHCP client came from DHCP, one on a PPP interface from
// IPCP; the rest are static.
func addressingType(s Snapshot, it *Item) string {
	if !rosBool(it.Rec["dynamic"]) {
		return "Static"
	}
	ifname := it.Rec["interface"]
	if s.Find(menuDHCPClient, "interface", ifname) != nil {
		return "DHCP"
	}
	if t := s.Find(menuInterface, "name", ifname)["type"]; strings.HasPrefix(t, "ppp") || strings.HasSuffix(t, "-out") || strings.HasSuffix(t, "-in") {
		return "IPCP"
	}
	return "Static"
}

func ipInterfaceType(_ Snapshot, it *Item) string {
	if it.Rec["type"] == "loopback" {
		return "Loopback"
	}
	return "Normal"
}

func ip() []*Object {
	return []*Object{
		{Path: "Device.IP."},
		{
			Path:       "Device.IP.Interface.{i}.",
			Menus:      []string{menuInterface, menuIPAddress, menuDHCPClient},
			UniqueKeys: [][]string{{"Name"}},
			Items:      ipInterfaces,
			Params: []Param{
				{Name: "Enable", Type: boolean(), Source: "/interface disabled (inverted)", Get: func(_ Snapshot, it *Item) string { return tr106Bool(!rosBool(it.Rec["disabled"])) }},
				{Name: "Status", Type: ifStatusType(), Source: "/interface running, disabled", Get: func(s Snapshot, it *Item) string {
					if _, known := it.Rec[".id"]; !known {
						return "NotPresent"
					}
					return ifStatus(s, it.Rec)
				}},
				{Name: "Name", Type: strN(64), Source: "/interface name", Get: prop("name")},
				{Name: "Type", Type: enum("Normal", "Loopback", "Tunnel", "Tunneled"), Source: "/interface type", Get: ipInterfaceType},
			},
		},
		{
			Path:       "Device.IP.Interface.{i}.IPv4Address.{i}.",
			Menus:      []string{menuIPAddress, menuDHCPClient, menuInterface},
			UniqueKeys: [][]string{{"IPAddress", "SubnetMask"}},
			Items:      ipv4Addresses,
			Params: []Param{
				{Name: "Enable", Type: boolean(), Source: "/ip/address disabled (inverted)", Get: func(_ Snapshot, it *Item) string { return tr106Bool(!rosBool(it.Rec["disabled"])) }},
				{Name: "Status", Type: enum("Disabled", "Enabled", "Error_Misconfigured", "Error"), Source: "/ip/address disabled, invalid", Get: ipv4Status},
				{Name: "IPAddress", Type: named("IPv4Address"), Source: "/ip/address address (before /)", Get: func(_ Snapshot, it *Item) string {
					a, _ := splitCIDR(it.Rec["address"])
					return a
				}},
				{Name: "SubnetMask", Type: named("IPv4Address"), Source: "/ip/address address (prefix length as a mask)", Get: func(_ Snapshot, it *Item) string {
					_, m := splitCIDR(it.Rec["address"])
					return m
				}},
				{Name: "AddressingType", Type: enum("DHCP", "IKEv2", "AutoIP", "IPCP", "Static"), Source: "/ip/address dynamic; /ip/dhcp-client on the interface; PPP interface type", Get: addressingType},
			},
		},
	}
}
