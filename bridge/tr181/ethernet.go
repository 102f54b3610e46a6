package tr181

import (
	"strconv"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/routeros"
)

// Device.Ethernet. (TR-181 2.19): one Interface per physical port of
// /interface/ethernet, counters from /interface (tr069ref.md §A).

const menuInterface = "/interface"

// ifaceOf returns the /interface record with the same name as r.
func ifaceOf(s Snapshot, r routeros.Record) routeros.Record {
	if f := s.Find(menuInterface, "name", r["name"]); f != nil {
		return f
	}
	return routeros.Record{}
}

// running reads "running" from r, else from its /interface record.
func running(s Snapshot, r routeros.Record) bool {
	if v, ok := r["running"]; ok {
		return rosBool(v)
	}
	return rosBool(ifaceOf(s, r)["running"])
}

// ifStatus maps RouterOS state to the TR-181 interface Status enumeration.
func ifStatus(s Snapshot, r routeros.Record) string {
	switch {
	case rosBool(r["disabled"]):
		return "Down"
	case running(s, r):
		return "Up"
	default:
		return "Down"
	}
}

// ifStatusType is the TR-181 interface Status enumeration.
func ifStatusType() dm.DataType {
	return enum("Up", "Down", "Unknown", "Dormant", "NotPresent", "LowerLayerDown", "Error")
}

// counter returns a /interface counter of the item's interface.
func counter(prop string, clamp32 bool) func(Snapshot, *Item) string {
	return func(s Snapshot, it *Item) string {
		v := ifaceOf(s, it.Rec)[prop]
		if clamp32 {
			return uint32Clamp(v)
		}
		return uintOr0(v)
	}
}

// maxBitRate gives -1 while auto-negotiation selects the rate (TR-181:
// "-1 indicates automatic selection"), else the forced speed in Mbps.
func maxBitRate(_ Snapshot, it *Item) string {
	if v, ok := it.Rec["auto-negotiation"]; !ok || rosBool(v) {
		return "-1"
	}
	for _, p := range []string{"speed", "advertise"} {
		if m, ok := rateMbps(it.Rec[p]); ok {
			return strconv.FormatInt(m, 10)
		}
	}
	return "-1"
}

func ethernet() []*Object {
	return []*Object{
		{Path: "Device.Ethernet."},
		{
			Path:       "Device.Ethernet.Interface.{i}.",
			Menus:      []string{menuEthernet, menuInterface},
			UniqueKeys: [][]string{{"Name"}},
			Items: func(s Snapshot, parent *Item) []Item {
				rs := s.Menu(menuEthernet)
				out := make([]Item, 0, len(rs))
				for _, r := range rs {
					out = append(out, Item{Key: r[".id"], Rec: r, Parent: parent})
				}
				return out
			},
			Params: []Param{
				{Name: "Enable", Type: boolean(), Source: "/interface/ethernet disabled (inverted)", Get: func(_ Snapshot, it *Item) string { return tr106Bool(!rosBool(it.Rec["disabled"])) }},
				{Name: "Status", Type: ifStatusType(), Source: "/interface/ethernet running, disabled", Get: func(s Snapshot, it *Item) string { return ifStatus(s, it.Rec) }},
				{Name: "Name", Type: strN(64), Source: "/interface/ethernet name", Get: prop("name")},
				{Name: "MACAddress", Type: named("MACAddress"), Source: "/interface/ethernet orig-mac-address", Get: func(_ Snapshot, it *Item) string {
					if m := macUpper(it.Rec["orig-mac-address"]); m != "" {
						return m
					}
					return macUpper(it.Rec["mac-address"])
				}},
				{Name: "MaxBitRate", Type: int32T(), Source: "/interface/ethernet auto-negotiation, speed (Mbps; -1 = auto)", Get: maxBitRate},
			},
		},
		{
			Path:  "Device.Ethernet.Interface.{i}.Stats.",
			Menus: []string{menuInterface},
			Params: []Param{
				{Name: "BytesSent", Type: uint64T(), Volatile: true, Source: "/interface tx-byte", Get: counter("tx-byte", false)},
				{Name: "BytesReceived", Type: uint64T(), Volatile: true, Source: "/interface rx-byte", Get: counter("rx-byte", false)},
				{Name: "PacketsSent", Type: uint64T(), Volatile: true, Source: "/interface tx-packet", Get: counter("tx-packet", false)},
				{Name: "PacketsReceived", Type: uint64T(), Volatile: true, Source: "/interface rx-packet", Get: counter("rx-packet", false)},
				{Name: "ErrorsSent", Type: uint32T(), Volatile: true, Source: "/interface tx-error", Get: counter("tx-error", true)},
				{Name: "ErrorsReceived", Type: uint32T(), Volatile: true, Source: "/interface rx-error", Get: counter("rx-error", true)},
			},
		},
	}
}
