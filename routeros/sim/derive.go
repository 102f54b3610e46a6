package sim

import (
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Derived properties: what RouterOS computes from configuration (running,
// network, actual-interface, connected routes …). Hooks run after add/set
// (menu.derive) or once per command for a changed table (catalog.after).

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// setProp sets k and reports whether the value changed.
func setProp(it *item, k, v string) bool {
	if old, ok := it.props[k]; ok && old == v {
		return false
	}
	it.props[k] = v
	return true
}

func defaultProp(it *item, k, v string) {
	if _, ok := it.props[k]; !ok {
		it.props[k] = v
	}
}

func deriveDynamicFalse(_ *state, _ *menu, it *item, _ map[string]string) {
	defaultProp(it, "dynamic", "false")
}

// physical reports whether an interface is a port of the board (it has a
// default-name), whose running state follows its link.
func physical(it *item) bool { return it.props["default-name"] != "" }

func deriveInterface(s *state, _ *menu, it *item, _ map[string]string) {
	typ := it.props["type"]
	defaultProp(it, "dynamic", "false")
	defaultProp(it, "running", "false")
	if typ == "pppoe-out" {
		defaultProp(it, "mtu", "1480")
	}
	if mtu := it.props["mtu"]; mtu != "" {
		actual := mtu
		if mtu == "auto" {
			actual = "1500"
		}
		it.props["actual-mtu"] = actual
	}
	switch typ {
	case "wifi":
		if m := it.props["mac-address"]; m != "" {
			it.props["radio-mac"] = m
		}
		defaultProp(it, "master", boolStr(physical(it)))
	case "vrrp":
		vrid, _ := strconv.Atoi(it.props["vrid"])
		it.props["mac-address"] = fmt.Sprintf("00:00:5E:00:01:%02X", vrid&0xFF)
	case "wg":
		if it.props["private-key"] == "" {
			sum := sha256.Sum256([]byte("wg\x00" + s.dev.serial + "\x00" + it.props["name"]))
			it.props["private-key"] = base64.StdEncoding.EncodeToString(sum[:])
		}
		it.props["public-key"] = wgPublicKey(it.props["private-key"])
	}
	if it.ctr.rate == 0 {
		it.ctr.rate = 2000 + uint64(fnv32("rate", it.props["name"], it.props["default-name"])%60000)
	}
}

// wgPublicKey derives the WireGuard public key (X25519) of a base64 private
// key; "" when the key is not 32 bytes of base64.
func wgPublicKey(priv string) string {
	raw, err := base64.StdEncoding.DecodeString(priv)
	if err != nil || len(raw) != 32 {
		return ""
	}
	k, err := ecdh.X25519().NewPrivateKey(raw)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}

// recomputeInterfaces recomputes running, slave and the MACs of bridges,
// bonds and VLANs from links, parents and ports, then bridge port status.
func recomputeInterfaces(s *state) {
	t := s.tbl(ifaces)
	byName := make(map[string]*item, len(t.items))
	for _, it := range t.items {
		byName[it.props["name"]] = it
	}
	slave := map[string]bool{}
	firstPort := map[string]string{}
	for _, bp := range s.tbl("/interface/bridge/port").items {
		if bp.props["disabled"] == "true" {
			continue
		}
		slave[bp.props["interface"]] = true
		if _, ok := firstPort[bp.props["bridge"]]; !ok {
			firstPort[bp.props["bridge"]] = bp.props["interface"]
		}
	}
	for _, it := range t.items {
		if it.props["type"] == "bond" {
			for _, n := range strings.Split(it.props["slaves"], ",") {
				slave[n] = true
			}
		}
	}
	now := s.now()
	changed := map[*item]bool{}
	for pass := 0; pass < 4; pass++ {
		dirty := false
		for _, it := range t.items {
			c := false
			mac := ""
			switch it.props["type"] {
			case "vlan":
				if p := byName[it.props["interface"]]; p != nil {
					mac = p.props["mac-address"]
				}
			case "bridge":
				if it.props["auto-mac"] == "false" && it.props["admin-mac"] != "" {
					mac = it.props["admin-mac"]
				} else if p := byName[firstPort[it.props["name"]]]; p != nil && p.props["mac-address"] != "" {
					mac = p.props["mac-address"]
				} else {
					mac = s.dev.virtualMAC(it.props["name"])
				}
			case "bond":
				for _, n := range strings.Split(it.props["slaves"], ",") {
					if p := byName[n]; p != nil && p.props["mac-address"] != "" {
						mac = p.props["mac-address"]
						break
					}
				}
			}
			if mac != "" {
				c = setProp(it, "mac-address", mac) || c
			}
			run := ifRunning(it, byName)
			if was := it.props["running"] == "true"; was != run {
				it.ctr.fold(now, run)
				if run {
					it.props["last-link-up-time"] = s.dev.date(now)
				} else {
					it.props["last-link-down-time"] = s.dev.date(now)
					n, _ := strconv.Atoi(it.props["link-downs"])
					it.props["link-downs"] = strconv.Itoa(n + 1)
				}
				c = true
			}
			c = setProp(it, "running", boolStr(run)) || c
			c = setProp(it, "slave", boolStr(slave[it.props["name"]])) || c
			if c {
				changed[it] = true
				dirty = true
			}
		}
		if !dirty {
			break
		}
	}
	for _, it := range t.items {
		if changed[it] {
			s.touch(ifaces, it)
		}
	}
	for _, bp := range s.tbl("/interface/bridge/port").items {
		ifc, br := byName[bp.props["interface"]], byName[bp.props["bridge"]]
		active := bp.props["disabled"] != "true" && ifc != nil && br != nil && ifc.props["running"] == "true"
		status := "inactive"
		if active {
			status = "in-bridge"
		}
		c := setProp(bp, "status", status)
		c = setProp(bp, "inactive", boolStr(!active)) || c
		if c {
			s.touch("/interface/bridge/port", bp)
		}
	}
	syncConnectedRoutes(s)
}

func ifRunning(it *item, byName map[string]*item) bool {
	if it.props["disabled"] == "true" {
		return false
	}
	up := func(name string) bool {
		p := byName[name]
		return p != nil && p != it && p.props["running"] == "true"
	}
	switch it.props["type"] {
	case "ether", "lte", "wlan":
		return it.link
	case "wifi":
		if physical(it) {
			return it.link
		}
		return up(it.props["master-interface"])
	case "vlan", "vrrp", "pppoe-out":
		return up(it.props["interface"])
	case "bond":
		for _, n := range strings.Split(it.props["slaves"], ",") {
			if up(n) {
				return true
			}
		}
		return false
	}
	return true
}

func deriveBridgePort(_ *state, _ *menu, it *item, _ map[string]string) {
	defaultProp(it, "dynamic", "false")
	defaultProp(it, "status", "inactive")
	defaultProp(it, "inactive", "true")
}

func (s *state) interfaceByName(name string) *item {
	return s.find(s.menu(ifaces), name)
}

func deriveAddress(s *state, _ *menu, it *item, given map[string]string) {
	a := it.props["address"]
	if a != "" && !strings.Contains(a, "/") {
		a += "/32"
		it.props["address"] = a
	}
	_, addrGiven := given["address"]
	_, netGiven := given["network"]
	if (addrGiven && !netGiven) || it.props["network"] == "" {
		if p, err := netip.ParsePrefix(a); err == nil {
			it.props["network"] = p.Masked().Addr().String()
		}
	}
	it.props["actual-interface"] = it.props["interface"]
	it.props["invalid"] = boolStr(s.interfaceByName(it.props["interface"]) == nil)
	defaultProp(it, "dynamic", "false")
}

func deriveAddress6(s *state, _ *menu, it *item, _ map[string]string) {
	a := it.props["address"]
	if a != "" && !strings.Contains(a, "/") {
		a += "/64"
		it.props["address"] = a
	}
	ll := strings.HasPrefix(strings.ToLower(a), "fe80:")
	it.props["link-local"] = boolStr(ll)
	it.props["global"] = boolStr(!ll && !strings.HasPrefix(strings.ToLower(a), "fd"))
	it.props["actual-interface"] = it.props["interface"]
	it.props["invalid"] = boolStr(s.interfaceByName(it.props["interface"]) == nil)
	defaultProp(it, "dynamic", "false")
}

// syncConnectedRoutes keeps one dynamic connected route (dynamic=true,
// connect=true, ids from *80000001) per enabled, valid address.
func syncConnectedRoutes(s *state) {
	routes := s.tbl("/ip/route")
	have := map[uint32]*item{}
	for _, r := range routes.items {
		if r.owner != 0 && r.props["connect"] == "true" {
			have[r.owner] = r
		}
	}
	want := map[uint32]bool{}
	for _, a := range s.tbl("/ip/address").items {
		if a.props["disabled"] == "true" || a.props["invalid"] == "true" {
			continue
		}
		p, err := netip.ParsePrefix(a.props["address"])
		if err != nil || p.Bits() >= 32 {
			continue
		}
		want[a.id] = true
		ifc := a.props["interface"]
		active := false
		if it := s.interfaceByName(ifc); it != nil {
			active = it.props["running"] == "true"
		}
		props := map[string]string{
			"dst-address": p.Masked().String(), "routing-table": "main", "gateway": ifc, "immediate-gw": ifc,
			"distance": "0", "scope": "10", "pref-src": p.Addr().String(), "suppress-hw-offload": "false",
			"connect": "true", "dynamic": "true", "active": boolStr(active), "inactive": boolStr(!active), "disabled": "false",
		}
		if r := have[a.id]; r != nil {
			c := false
			for k, v := range props {
				c = setProp(r, k, v) || c
			}
			if c {
				s.touch("/ip/route", r)
			}
			continue
		}
		s.addDynamic("/ip/route", a.id, props)
	}
	var gone []*item
	for owner, r := range have {
		if !want[owner] {
			gone = append(gone, r)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i].id < gone[j].id })
	for _, r := range gone {
		s.drop("/ip/route", r)
	}
}

func deriveRoute(_ *state, _ *menu, it *item, _ map[string]string) {
	defaultProp(it, "dynamic", "false")
	if it.props["dynamic"] == "false" {
		defaultProp(it, "static", "true")
	}
	active := it.props["disabled"] != "true"
	if it.props["connect"] == "true" {
		return // syncConnectedRoutes owns active/inactive
	}
	it.props["active"] = boolStr(active)
	it.props["inactive"] = boolStr(!active)
}

func deriveDHCPClient(s *state, _ *menu, it *item, _ map[string]string) {
	defaultProp(it, "dynamic", "false")
	it.props["invalid"] = boolStr(s.interfaceByName(it.props["interface"]) == nil)
	switch {
	case it.props["disabled"] == "true":
		it.props["status"] = "stopped"
	case it.props["status"] == "" || it.props["status"] == "stopped":
		if it.props["address"] != "" {
			it.props["status"] = "bound"
		} else {
			it.props["status"] = "searching..."
		}
	}
}

func deriveLease(_ *state, _ *menu, it *item, _ map[string]string) {
	defaultProp(it, "dynamic", "false")
	defaultProp(it, "radius", "false")
	defaultProp(it, "blocked", "false")
	if it.props["dynamic"] == "false" {
		defaultProp(it, "status", "waiting")
		defaultProp(it, "last-seen", "never")
	}
}

func deriveRule(_ *state, _ *menu, it *item, _ map[string]string) {
	defaultProp(it, "bytes", "0")
	defaultProp(it, "packets", "0")
	defaultProp(it, "invalid", "false")
	defaultProp(it, "dynamic", "false")
}

func deriveNTPClient(_ *state, _ *menu, it *item, _ map[string]string) {
	servers := it.props["servers"]
	if it.props["enabled"] != "true" || servers == "" {
		status := "stopped"
		if it.props["enabled"] == "true" {
			status = "waiting"
		}
		it.props["status"] = status
		for _, k := range []string{"synced-server", "synced-stratum", "system-offset", "freq-drift"} {
			delete(it.props, k)
		}
		return
	}
	it.props["status"] = "synchronized"
	it.props["synced-server"] = strings.Split(servers, ",")[0]
	it.props["synced-stratum"] = "2"
	it.props["system-offset"] = "0.421 ms"
	it.props["freq-drift"] = "-8.392 PPM"
}

// syncNTPServers mirrors /system/ntp/client/servers, when it has entries,
// into the client's servers list.
func syncNTPServers(s *state) {
	var addrs []string
	entries := s.tbl("/system/ntp/client/servers").items
	for _, it := range entries {
		if it.props["disabled"] != "true" {
			addrs = append(addrs, it.props["address"])
		}
	}
	m := s.menu("/system/ntp/client")
	c := s.singleton(m)
	before := c.clone()
	if len(entries) > 0 {
		c.props["servers"] = strings.Join(addrs, ",")
	}
	deriveNTPClient(s, m, c, nil)
	s.touchIfChanged(m.table, before, c)
}

// rederiveAll re-runs every derive hook and table hook, after an export
// has loaded (items may reference interfaces created later in the file).
func (s *state) rederiveAll() {
	paths := make([]string, 0, len(s.cat.menus))
	for p := range s.cat.menus {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		m := s.cat.menus[p]
		if m.derive == nil || m.single {
			continue
		}
		for _, it := range s.list(m) {
			m.derive(s, m, it, nil)
		}
	}
	recomputeInterfaces(s)
	syncNTPServers(s)
	s.changes = s.changes[:0]
}
