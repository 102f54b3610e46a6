package sim

import (
	"sort"
	"strings"
	"time"
)

// propKind says how a property's values are checked and normalised.
type propKind uint8

const (
	kindString  propKind = iota
	kindBool             // "true"/"false" in v7 replies; yes/no/true/false accepted
	kindRef              // the name of an item of another menu (interface=ether1)
	kindRefList          // a comma list of such names (tagged=ether2,ether3)
	kindSecret           // write-only (user password): accepted, never printed
)

// prop declares one property of a menu.
type prop struct {
	name     string
	kind     propKind
	def      string // value given on add when absent (hasDef)
	hasDef   bool
	readOnly bool   // computed by the simulator; add/set refuse it
	required bool   // add without it fails
	target   string // kindRef/kindRefList: menu whose key names are valid
	negate   bool   // a leading "!" is allowed (firewall matchers)
}

// verbSet is the set of commands a menu accepts; anything else under a
// valid menu is "no such command" (REPORT.md §1.11).
type verbSet uint16

const (
	vPrint  verbSet = 1 << iota // print, getall
	vListen                     // listen
	vGet                        // get
	vAdd                        // add
	vSet                        // set
	vRemove                     // remove
	vEnable                     // enable, disable
	vUnset                      // unset
	vMove                       // move (ordered rule lists)
	vExport                     // export

	vRead   = vPrint | vListen | vGet | vExport
	vConfig = vRead | vSet | vUnset // singletons
	vPorts  = vConfig | vEnable     // fixed lists: physical ports, services
	vList   = vPorts | vAdd | vRemove
	vRules  = vList | vMove
)

// verbOf maps a command's last word to its verb; ok is false for words
// that are no menu command at all.
func verbOf(word string) (v verbSet, ok bool) {
	switch word {
	case "print", "getall":
		return vPrint, true
	case "listen":
		return vListen, true
	case "get":
		return vGet, true
	case "add":
		return vAdd, true
	case "set":
		return vSet, true
	case "remove":
		return vRemove, true
	case "enable", "disable":
		return vEnable, true
	case "unset":
		return vUnset, true
	case "move":
		return vMove, true
	case "export":
		return vExport, true
	}
	return 0, false
}

// Packages that make optional menus exist. A menu with a package the profile
// lacks answers like an unknown menu, as RouterOS does on CHR for
// /system/routerboard or without the wireless package.
const (
	pkgRouterboard = "routerboard"
	pkgWireless    = "wireless"
)

// menu declares one API menu: a list or singleton of items stored in a
// table. Interface menus (/interface/vlan …) are views of the one
// "/interface" table, filtered by type, so an interface exists once.
type menu struct {
	path     string
	table    string // storage table; defaults to path
	ifType   string // views of /interface: the type listed and created
	single   bool   // one record, no .id, set without an id
	key      string // property naming items (numbers=name)
	props    []prop
	open     bool    // any property name is accepted (secondary menus)
	verbs    verbSet // defaults: vList, or vConfig for singletons
	autoName string  // add without a name gets autoName + N
	pkg      string  // present only with this package

	// derive recomputes derived properties of it after add/set; given holds
	// the properties the command set.
	derive func(s *state, m *menu, it *item, given map[string]string)
	// dynamic adds time-dependent read-only values at read time.
	dynamic func(s *state, it *item, now time.Time, put func(k, v string))

	index map[string]*prop
}

func (m *menu) prop(name string) *prop { return m.index[name] }

// catalog is the immutable set of menus of one profile.
type catalog struct {
	menus map[string]*menu
	dirs  map[string]bool // proper prefixes of menu paths ("/ip", "/ip/firewall")
	// refs lists, per storage table, the properties elsewhere that name its
	// items, so renames and removals can be followed.
	refs map[string][]refSite
	// after runs once per command for every table it changed.
	after map[string]func(s *state)
}

type refSite struct {
	table string
	prop  string
	list  bool
	neg   bool
}

func newCatalog(pkgs map[string]bool) *catalog {
	c := &catalog{menus: map[string]*menu{}, dirs: map[string]bool{}, refs: map[string][]refSite{}}
	for _, m := range menuDecls() {
		if m.pkg != "" && !pkgs[m.pkg] {
			continue
		}
		m := m
		if m.table == "" {
			m.table = m.path
		}
		if m.verbs == 0 {
			m.verbs = vList
			if m.single {
				m.verbs = vConfig
			}
		}
		m.index = make(map[string]*prop, len(m.props))
		for i := range m.props {
			m.index[m.props[i].name] = &m.props[i]
		}
		c.menus[m.path] = &m
		for p := m.path; ; {
			i := strings.LastIndexByte(p, '/')
			if i <= 0 {
				break
			}
			p = p[:i]
			c.dirs[p] = true
		}
	}
	seen := map[refSite]bool{}
	paths := make([]string, 0, len(c.menus))
	for p := range c.menus {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		m := c.menus[p]
		for _, pr := range m.props {
			if pr.kind != kindRef && pr.kind != kindRefList {
				continue
			}
			t, ok := c.menus[pr.target]
			if !ok {
				continue
			}
			site := refSite{table: m.table, prop: pr.name, list: pr.kind == kindRefList, neg: pr.negate}
			if !seen[site] {
				seen[site] = true
				c.refs[t.table] = append(c.refs[t.table], site)
			}
		}
	}
	c.after = map[string]func(s *state){
		"/interface":                 recomputeInterfaces,
		"/interface/bridge/port":     recomputeInterfaces,
		"/ip/address":                syncConnectedRoutes,
		"/system/ntp/client/servers": syncNTPServers,
	}
	return c
}

// Property constructors keep the declarations below to one line each.
func str(n string) prop               { return prop{name: n} }
func strd(n, def string) prop         { return prop{name: n, def: def, hasDef: true} }
func boolp(n string) prop             { return prop{name: n, kind: kindBool} }
func boold(n, def string) prop        { return prop{name: n, kind: kindBool, def: def, hasDef: true} }
func ro(n string) prop                { return prop{name: n, readOnly: true} }
func robool(n string) prop            { return prop{name: n, kind: kindBool, readOnly: true} }
func ref(n, target string) prop       { return prop{name: n, kind: kindRef, target: target} }
func refList(n, target string) prop   { return prop{name: n, kind: kindRefList, target: target} }
func negRef(n, target string) prop    { return prop{name: n, kind: kindRef, target: target, negate: true} }
func secret(n string) prop            { return prop{name: n, kind: kindSecret} }
func req(p prop) prop                 { p.required = true; return p }
func props(ps ...prop) []prop         { return ps }
func join(a []prop, b ...prop) []prop { return append(append([]prop(nil), a...), b...) }

const ifaces = "/interface"

// ifHead and ifTail frame the properties of every interface view.
func ifHead() []prop { return props(str("name"), ro("default-name")) }
func ifTail() []prop {
	return props(robool("running"), boold("disabled", "false"), str("comment"))
}

// ifView declares a view of /interface listing items of one type.
func ifView(path, typ, autoName string, verbs verbSet, body ...prop) menu {
	ps := join(ifHead(), body...)
	ps = append(ps, ifTail()...)
	return menu{path: path, table: ifaces, ifType: typ, key: "name", autoName: autoName, verbs: verbs, props: ps, derive: deriveInterface}
}

func inPackage(pkg string, m menu) menu {
	m.pkg = pkg
	return m
}

func firewallRules(path, action string, open bool) menu {
	return menu{path: path, verbs: vRules, open: open, derive: deriveRule, props: props(
		req(str("chain")), strd("action", action), str("protocol"), str("src-address"), str("dst-address"),
		str("src-port"), str("dst-port"), negRef("in-interface", ifaces), negRef("out-interface", ifaces),
		str("in-interface-list"), str("out-interface-list"), str("src-address-list"), str("dst-address-list"),
		str("connection-state"), str("connection-nat-state"), str("ipsec-policy"), str("to-addresses"), str("to-ports"),
		str("jump-target"), boolp("hw-offload"), ro("bytes"), ro("packets"), robool("invalid"), robool("dynamic"),
		boold("disabled", "false"), boold("log", "false"), strd("log-prefix", ""), str("comment"))}
}

// menuDecls is the table of every simulated menu: one declaration per menu.
// Property names and value forms follow samples/*.json (RouterOS 7).
func menuDecls() []menu {
	return []menu{
		// System.
		{path: "/system/identity", single: true, props: props(strd("name", "MikroTik"))},
		{path: "/system/resource", single: true, verbs: vRead, dynamic: resourceDynamic, props: props(
			ro("uptime"), ro("version"), ro("build-time"), ro("factory-software"), ro("free-memory"), ro("total-memory"),
			ro("cpu"), ro("cpu-count"), ro("cpu-frequency"), ro("cpu-load"), ro("free-hdd-space"), ro("total-hdd-space"),
			ro("write-sect-since-reboot"), ro("write-sect-total"), ro("bad-blocks"), ro("architecture-name"),
			ro("board-name"), ro("platform"))},
		{path: "/system/routerboard", pkg: pkgRouterboard, single: true, verbs: vRead, props: props(
			robool("routerboard"), ro("board-name"), ro("model"), ro("revision"), ro("serial-number"), ro("firmware-type"),
			ro("factory-firmware"), ro("current-firmware"), ro("upgrade-firmware"))},
		{path: "/system/license", single: true, verbs: vRead, props: props(
			ro("software-id"), ro("system-id"), ro("upgradable-to"), ro("nlevel"), ro("level"), ro("features"))},
		{path: "/system/package", key: "name", verbs: vRead, props: props(
			ro("name"), ro("version"), ro("build-time"), ro("scheduled"), robool("disabled"))},
		{path: "/system/clock", single: true, dynamic: clockDynamic, props: props(
			str("time"), str("date"), boold("time-zone-autodetect", "true"), strd("time-zone-name", "manual"),
			ro("gmt-offset"), robool("dst-active"))},
		{path: "/system/ntp/client", single: true, derive: deriveNTPClient, props: props(
			boold("enabled", "false"), strd("mode", "unicast"), str("servers"), strd("vrf", "main"), ro("status"),
			ro("synced-server"), ro("synced-stratum"), ro("system-offset"), ro("freq-drift"))},
		{path: "/system/ntp/client/servers", props: props(
			req(str("address")), boold("iburst", "true"), str("auth-key"), robool("dynamic"), boold("disabled", "false"), str("comment"))},
		{path: "/system/note", single: true, open: true},
		{path: "/system/logging", open: true},
		{path: "/system/script", key: "name", open: true, autoName: "script", props: props(
			str("name"), str("owner"), str("policy"), str("source"), boold("dont-require-permissions", "false"), str("comment"))},
		{path: "/system/scheduler", key: "name", open: true, autoName: "schedule", props: props(
			str("name"), str("start-date"), str("start-time"), str("interval"), str("on-event"), str("policy"),
			boold("disabled", "false"), str("comment"))},
		{path: "/user", key: "name", props: props(
			req(str("name")), strd("group", "read"), str("address"), ro("last-logged-in"), secret("password"),
			robool("expired"), boold("disabled", "false"), str("comment"))},
		{path: "/user/group", key: "name", open: true, props: props(str("name"), str("policy"), str("skin"), str("comment"))},
		{path: "/snmp", single: true, open: true},
		{path: "/snmp/community", key: "name", open: true},

		// Interfaces: one table, many views.
		{path: ifaces, table: ifaces, key: "name", verbs: vPorts, dynamic: interfaceDynamic, derive: deriveInterface, props: join(
			ifHead(), ro("type"), str("mtu"), ro("actual-mtu"), str("l2mtu"), ro("max-l2mtu"), ro("mac-address"),
			ro("last-link-up-time"), ro("last-link-down-time"), ro("link-downs"),
			ro("rx-byte"), ro("tx-byte"), ro("rx-packet"), ro("tx-packet"), ro("rx-drop"), ro("tx-drop"),
			ro("tx-queue-drop"), ro("rx-error"), ro("tx-error"),
			robool("running"), robool("slave"), robool("dynamic"), boold("disabled", "false"), str("comment"))},
		ifView("/interface/ethernet", "ether", "", vPorts,
			strd("mtu", "1500"), str("l2mtu"), str("mac-address"), ro("orig-mac-address"), strd("arp", "enabled"),
			strd("arp-timeout", "auto"), strd("loop-protect", "default"), ro("loop-protect-status"),
			boold("auto-negotiation", "true"), str("advertise"), str("speed"), strd("tx-flow-control", "off"),
			strd("rx-flow-control", "off"), boold("full-duplex", "true"), strd("bandwidth", "unlimited/unlimited"),
			ro("switch"), str("poe-out"), robool("slave")),
		ifView("/interface/bridge", "bridge", "bridge", vList,
			strd("mtu", "auto"), ro("actual-mtu"), ro("l2mtu"), strd("arp", "enabled"), strd("arp-timeout", "auto"),
			ro("mac-address"), strd("protocol-mode", "rstp"), boold("fast-forward", "true"), boold("igmp-snooping", "false"),
			boold("auto-mac", "true"), str("admin-mac"), strd("ageing-time", "5m"), strd("priority", "0x8000"),
			strd("max-message-age", "20s"), strd("forward-delay", "15s"), strd("transmit-hold-count", "6"),
			boold("vlan-filtering", "false"), boold("dhcp-snooping", "false"), strd("port-cost-mode", "long"),
			boold("mvrp", "false")),
		{path: "/interface/bridge/port", derive: deriveBridgePort, props: props(
			req(ref("interface", ifaces)), req(ref("bridge", "/interface/bridge")), strd("horizon", "none"),
			strd("learn", "auto"), boold("trusted", "false"), strd("pvid", "1"), strd("frame-types", "admit-all"),
			boold("ingress-filtering", "true"), strd("edge", "auto"), strd("point-to-point", "auto"),
			strd("priority", "0x80"), strd("path-cost", "10"), strd("internal-path-cost", "10"), boold("hw", "true"),
			ro("status"), robool("inactive"), robool("dynamic"), boold("disabled", "false"), str("comment"))},
		{path: "/interface/bridge/vlan", derive: deriveDynamicFalse, props: props(
			req(ref("bridge", "/interface/bridge")), req(str("vlan-ids")), refList("tagged", ifaces), refList("untagged", ifaces),
			ro("current-tagged"), ro("current-untagged"), robool("dynamic"), boold("disabled", "false"), str("comment"))},
		ifView("/interface/vlan", "vlan", "vlan", vList,
			strd("mtu", "1500"), ro("actual-mtu"), ro("l2mtu"), ro("mac-address"), strd("arp", "enabled"),
			strd("arp-timeout", "auto"), req(str("vlan-id")), req(ref("interface", ifaces)),
			boold("use-service-tag", "false"), strd("loop-protect", "default")),
		ifView("/interface/wireguard", "wg", "wireguard", vList,
			strd("mtu", "1420"), str("listen-port"), str("private-key"), ro("public-key")),
		{path: "/interface/wireguard/peers", open: true, derive: deriveDynamicFalse, props: props(
			str("name"), req(ref("interface", "/interface/wireguard")), req(str("public-key")), str("private-key"),
			str("preshared-key"), str("allowed-address"), str("endpoint-address"), str("endpoint-port"),
			str("persistent-keepalive"), robool("dynamic"), boold("disabled", "false"), str("comment"))},
		ifView("/interface/wifi", "wifi", "wifi", vList,
			strd("mtu", "1500"), str("l2mtu"), ro("mac-address"), ro("radio-mac"), strd("arp-timeout", "auto"),
			ref("master-interface", ifaces), str("configuration"), str("configuration.mode"), str("configuration.ssid"),
			str("configuration.country"), str("configuration.hide-ssid"), str("channel"), str("channel.band"),
			str("channel.width"), str("channel.frequency"), str("channel.skip-dfs-channels"), str("security"),
			str("security.authentication-types"), secret("security.passphrase"), str("security.ft"),
			str("security.ft-over-ds"), robool("master"), robool("inactive")),
		inPackage(pkgWireless, ifView("/interface/wireless", "wlan", "wlan", vList,
			strd("mtu", "1500"), str("l2mtu"), ro("mac-address"), strd("mode", "station"), strd("ssid", "MikroTik"),
			str("band"), strd("frequency", "auto"), str("channel-width"), str("country"), str("radio-name"),
			str("distance"), str("installation"), str("wireless-protocol"), strd("security-profile", "default"),
			str("wps-mode"), ref("master-interface", ifaces), ro("interface-type"))),
		ifView("/interface/lte", "lte", "", vPorts,
			strd("mtu", "1500"), ro("mac-address"), strd("apn-profiles", "default"), boold("allow-roaming", "false"), str("band")),
		ifView("/interface/bonding", "bond", "bonding", vList,
			strd("mtu", "1500"), ro("mac-address"), req(refList("slaves", ifaces)), strd("mode", "balance-rr"),
			strd("transmit-hash-policy", "layer-2"), strd("lacp-rate", "30secs"), strd("link-monitoring", "mii"),
			strd("mii-interval", "100ms"), strd("min-links", "0")),
		ifView("/interface/vrrp", "vrrp", "vrrp", vList,
			strd("mtu", "1500"), ro("mac-address"), req(ref("interface", ifaces)), strd("vrid", "1"),
			strd("priority", "100"), strd("interval", "1s"), strd("version", "3")),
		ifView("/interface/6to4", "6to4-tunnel", "sit", vList,
			strd("mtu", "auto"), str("local-address"), str("remote-address"), str("keepalive")),
		ifView("/interface/pppoe-client", "pppoe-out", "pppoe-out", vList,
			strd("max-mtu", "auto"), strd("max-mru", "auto"), req(ref("interface", ifaces)), str("user"),
			secret("password"), strd("profile", "default"), strd("service-name", ""), strd("ac-name", ""),
			boold("add-default-route", "false"), strd("default-route-distance", "1"), boold("use-peer-dns", "false"),
			boold("dial-on-demand", "false"), strd("keepalive-timeout", "10"), strd("allow", "pap,chap,mschap1,mschap2")),
		{path: "/interface/list", key: "name", open: true, props: props(
			req(str("name")), str("include"), str("exclude"), robool("builtin"), robool("dynamic"), str("comment"))},
		{path: "/interface/list/member", open: true, derive: deriveDynamicFalse, props: props(
			req(str("list")), req(ref("interface", ifaces)), robool("dynamic"), boold("disabled", "false"), str("comment"))},

		// IPv4.
		{path: "/ip/address", derive: deriveAddress, props: props(
			req(str("address")), str("network"), req(ref("interface", ifaces)), ro("actual-interface"),
			robool("invalid"), robool("dynamic"), boold("disabled", "false"), str("comment"))},
		{path: "/ip/pool", key: "name", autoName: "pool", props: props(str("name"), req(str("ranges")), str("next-pool"), str("comment"))},
		{path: "/ip/dhcp-server", key: "name", autoName: "dhcp", derive: deriveDynamicFalse, props: props(
			str("name"), req(ref("interface", ifaces)), strd("address-pool", "static-only"), strd("lease-time", "30m"),
			strd("authoritative", "yes"), strd("use-radius", "no"), strd("lease-script", ""), boold("add-arp", "false"),
			boold("always-broadcast", "false"), boold("conflict-detection", "true"), robool("dynamic"), robool("invalid"),
			boold("disabled", "false"), str("comment"))},
		{path: "/ip/dhcp-server/network", derive: deriveDynamicFalse, props: props(
			req(str("address")), str("gateway"), str("netmask"), str("dns-server"), str("domain"), str("ntp-server"),
			str("wins-server"), str("dhcp-option"), boold("dns-none", "false"), robool("dynamic"), str("comment"))},
		{path: "/ip/dhcp-server/lease", derive: deriveLease, props: props(
			req(str("address")), str("mac-address"), str("client-id"), str("server"), str("dhcp-option"),
			strd("address-lists", ""), ro("status"), ro("last-seen"), ro("expires-after"), ro("active-address"),
			ro("active-mac-address"), ro("active-client-id"), ro("active-server"), ro("host-name"), robool("radius"),
			robool("dynamic"), robool("blocked"), boold("disabled", "false"), str("comment"))},
		{path: "/ip/dhcp-server/option", key: "name", open: true, props: props(req(str("name")), str("code"), str("value"))},
		{path: "/ip/dhcp-server/option/sets", key: "name", open: true, props: props(req(str("name")), str("options"))},
		{path: "/ip/dhcp-client", derive: deriveDHCPClient, props: props(
			req(ref("interface", ifaces)), strd("add-default-route", "yes"), strd("default-route-distance", "1"),
			boold("use-peer-dns", "true"), boold("use-peer-ntp", "true"), strd("dhcp-options", "hostname,clientid"),
			str("script"), ro("status"), ro("address"), ro("gateway"), ro("dhcp-server"), ro("primary-dns"),
			ro("secondary-dns"), ro("primary-ntp"), ro("expires-after"), robool("dynamic"), robool("invalid"),
			boold("disabled", "false"), str("comment"))},
		{path: "/ip/route", derive: deriveRoute, props: props(
			str("dst-address"), str("gateway"), ro("immediate-gw"), strd("distance", "1"), strd("scope", "30"),
			strd("target-scope", "10"), strd("routing-table", "main"), str("pref-src"), str("vrf-interface"),
			str("check-gateway"), boolp("blackhole"), boold("suppress-hw-offload", "false"), robool("dhcp"),
			robool("connect"), robool("static"), robool("dynamic"), robool("active"), robool("inactive"),
			boold("disabled", "false"), str("comment"))},
		{path: "/ip/dns", single: true, open: true, props: props(
			strd("servers", ""), ro("dynamic-servers"), strd("use-doh-server", ""), boold("verify-doh-cert", "false"),
			boold("allow-remote-requests", "false"), strd("max-udp-packet-size", "4096"),
			strd("query-server-timeout", "2s"), strd("query-total-timeout", "10s"), strd("max-concurrent-queries", "100"),
			strd("max-concurrent-tcp-sessions", "20"), strd("cache-size", "2048"), strd("cache-max-ttl", "1w"),
			ro("cache-used"), strd("address-list-extra-time", "0s"), strd("vrf", "main"), strd("mdns-repeat-ifaces", ""))},
		{path: "/ip/dns/static", derive: deriveDynamicFalse, props: props(
			str("name"), str("address"), str("cname"), str("type"), strd("ttl", "1d"), str("regexp"), robool("dynamic"),
			boold("disabled", "false"), str("comment"))},
		firewallRules("/ip/firewall/filter", "accept", true),
		firewallRules("/ip/firewall/nat", "accept", true),
		firewallRules("/ip/firewall/mangle", "accept", true),
		firewallRules("/ip/firewall/raw", "accept", true),
		{path: "/ip/firewall/address-list", open: true, derive: deriveDynamicFalse, props: props(
			req(str("list")), req(str("address")), str("timeout"), ro("creation-time"), robool("dynamic"),
			boold("disabled", "false"), str("comment"))},
		{path: "/ip/service", key: "name", verbs: vPorts, props: props(
			ro("name"), str("port"), strd("address", ""), str("certificate"), strd("vrf", "main"), robool("invalid"),
			boold("disabled", "false"))},
		{path: "/ip/neighbor/discovery-settings", single: true, open: true},
		{path: "/ip/settings", single: true, open: true},
		{path: "/ip/cloud", single: true, open: true},
		{path: "/tool/mac-server", single: true, open: true},
		{path: "/tool/mac-server/mac-winbox", single: true, open: true},

		// IPv6.
		{path: "/ipv6/address", derive: deriveAddress6, props: props(
			req(str("address")), str("from-pool"), req(ref("interface", ifaces)), ro("actual-interface"),
			boold("eui-64", "false"), boold("advertise", "true"), boold("no-dad", "false"), robool("dynamic"),
			robool("global"), robool("link-local"), robool("invalid"), boold("disabled", "false"), str("comment"))},
		{path: "/ipv6/route", open: true, derive: deriveRoute, props: props(
			str("dst-address"), str("gateway"), strd("distance", "1"), strd("routing-table", "main"),
			boold("suppress-hw-offload", "false"), robool("dynamic"), robool("active"), boold("disabled", "false"), str("comment"))},
		{path: "/ipv6/pool", key: "name", open: true, props: props(req(str("name")), str("prefix"), str("prefix-length"))},
		{path: "/ipv6/dhcp-client", open: true, props: props(req(ref("interface", ifaces)), boold("disabled", "false"), str("comment"))},
		{path: "/ipv6/settings", single: true, open: true},
		firewallRules("/ipv6/firewall/filter", "accept", true),
		firewallRules("/ipv6/firewall/raw", "accept", true),
		firewallRules("/ipv6/firewall/mangle", "accept", true),
		{path: "/ipv6/firewall/address-list", open: true, derive: deriveDynamicFalse, props: props(
			req(str("list")), req(str("address")), str("timeout"), robool("dynamic"), boold("disabled", "false"), str("comment"))},

		// Routing.
		{path: "/routing/table", key: "name", open: true, props: props(req(str("name")), boolp("fib"), boold("disabled", "false"), str("comment"))},
	}
}
