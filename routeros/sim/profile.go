package sim

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Profile is a router's identity (model, serial number, version) and its
// configuration, from Builtin or LoadExport. It is immutable; NewRouter
// copies it, so one profile can seed many routers.
type Profile struct {
	dev     *device
	st      *state
	report  LoadReport
	src     []byte          // export text, for Variant
	builtin *BuiltinOptions // set for Builtin profiles, for Variant
}

// Model is the routerboard model ("RB5009UPr+S+"), "CHR" on a CHR.
func (p *Profile) Model() string { return p.dev.model.code }

// BoardName is /system/resource board-name ("hAP ax^2").
func (p *Profile) BoardName() string { return p.dev.model.boardName }

// Serial is the routerboard serial number; "" on a CHR.
func (p *Profile) Serial() string { return p.dev.serial }

// SoftwareID is the license software id ("B81L-RYRR").
func (p *Profile) SoftwareID() string { return p.dev.softwareID }

// SystemID is the CHR license system id; "" on a RouterBOARD.
func (p *Profile) SystemID() string { return p.dev.systemID }

// Version is the RouterOS version ("7.19.4").
func (p *Profile) Version() string { return p.dev.version }

// Identity is the configured /system/identity name.
func (p *Profile) Identity() string {
	return p.st.singleton(p.st.menu("/system/identity")).props["name"]
}

// Report says how the export loaded (empty for Builtin).
func (p *Profile) Report() LoadReport { return p.report }

// MACs returns the factory MAC of every physical port by default-name.
func (p *Profile) MACs() map[string]string {
	out := map[string]string{}
	for _, it := range p.st.tbl(ifaces).items {
		if physical(it) {
			out[it.props["default-name"]] = it.props["mac-address"]
		}
	}
	return out
}

// Variant returns router number n (n >= 2) of a fleet made from p: its own
// serial number, software id and MACs, and identity suffixed "-n". n <= 1
// returns p itself. The result is deterministic.
func (p *Profile) Variant(n int) *Profile {
	if n <= 1 {
		return p
	}
	ov := overrides{identity: p.Identity() + "-" + strconv.Itoa(n), cat: p.st.cat}
	if p.dev.serial != "" {
		ov.serial = variantSerial(p.dev.serial, n)
	} else {
		ov.seed = fmt.Sprintf("%s-%s-%d", p.dev.systemID, p.dev.softwareID, n)
	}
	if p.builtin != nil {
		o := *p.builtin
		o.Identity = ov.identity
		if ov.serial != "" {
			o.Serial = ov.serial
		}
		if o.MACSeed != "" {
			o.MACSeed += "-" + strconv.Itoa(n)
		}
		o.seed, o.cat = ov.seed, ov.cat
		return Builtin(o)
	}
	q, _ := loadExport(p.src, ov)
	return q
}

// variantSerial keeps the serial's form and length and changes its last
// four characters; distinct for up to 65536 variants.
func variantSerial(base string, n int) string {
	if len(base) < 4 {
		base += "0000"[:4-len(base)]
	}
	v := (fnv32("serial", base) + uint32(n)) & 0xFFFF
	return base[:len(base)-4] + fmt.Sprintf("%04X", v)
}

// overrides replace what an export header says (Variant, Builtin).
type overrides struct {
	serial   string
	identity string
	macSeed  string
	seed     string // CHR variants: seeds software id, system id and MACs
	version  string
	cat      *catalog // shared by variants (same packages)
}

// LoadExport reads a RouterOS /export file and returns the router it
// describes: the header gives version, software id, model and serial
// number; the model gives the physical ports (REPORT.md §1.12 for the two
// header date forms). Lines it does not understand are skipped and counted
// in the report (see LoadReport.Warning); only a read error is an error.
func LoadExport(r io.Reader) (*Profile, LoadReport, error) {
	src, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, LoadReport{}, fmt.Errorf("read export: %w", err)
	}
	p, rep := loadExport(src, overrides{})
	return p, rep, nil
}

func loadExport(src []byte, ov overrides) (*Profile, LoadReport) {
	lines := splitLines(src)
	h := parseHeader(lines)
	mdl := lookupModel(h.model)
	dev := &device{model: mdl, serial: h.serial, softwareID: h.softwareID, systemID: h.systemID,
		version: h.version, exportTime: h.when, oui: defaultOUI(), wireless: mdl.wireless}
	if dev.version == "" {
		dev.version = defaultVersion
	}
	if ov.version != "" {
		dev.version = ov.version
	}
	if mdl.chr {
		dev.serial = ""
	}
	if ov.serial != "" {
		dev.serial = ov.serial
		dev.softwareID = softwareIDFor(ov.serial)
	}
	dev.macSeed = ov.macSeed
	if ov.seed != "" {
		dev.macSeed = ov.seed
		dev.softwareID = softwareIDFor(ov.seed)
		dev.systemID = systemIDFor(ov.seed)
	}
	if dev.softwareID == "" {
		dev.softwareID = softwareIDFor(dev.serial + dev.systemID + mdl.code)
	}
	if mdl.chr && dev.systemID == "" {
		dev.systemID = systemIDFor(dev.softwareID)
	}
	if dev.serial == "" && dev.macSeed == "" {
		dev.macSeed = dev.systemID
	}
	for _, l := range lines {
		if l.comment {
			continue
		}
		if strings.HasPrefix(l.text, "/interface wireless") {
			dev.wireless = true
		}
		if oui, ok := adminMACOUI(l.text); ok && dev.oui == defaultOUI() {
			dev.oui = oui
		}
	}
	pkgs := map[string]bool{}
	if !mdl.chr {
		pkgs[pkgRouterboard] = true
	}
	if dev.wireless {
		pkgs[pkgWireless] = true
	}
	cat := ov.cat
	if cat == nil {
		cat = newCatalog(pkgs)
	}
	s := newState(cat, dev)
	s.lenient = true
	seedBase(s)
	rep := LoadReport{}
	ld := &loader{s: s, rep: &rep}
	for _, l := range lines {
		if !l.comment {
			ld.line(l)
		}
	}
	finalize(s, ov)
	return &Profile{dev: dev, st: s, report: rep, src: src}, rep
}

// adminMACOUI finds the OUI of an "admin-mac=" value (a MikroTik MAC of the
// board) on an export line.
func adminMACOUI(line string) ([3]byte, bool) {
	i := strings.Index(line, "admin-mac=")
	if i < 0 {
		return [3]byte{}, false
	}
	v := line[i+len("admin-mac="):]
	if j := strings.IndexByte(v, ' '); j >= 0 {
		v = v[:j]
	}
	hw, err := net.ParseMAC(v)
	if err != nil || len(hw) != 6 || hw[0]&0x02 != 0 {
		return [3]byte{}, false
	}
	return [3]byte{hw[0], hw[1], hw[2]}, true
}

func systemIDFor(seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	v := uint64(fnv32("sysid", seed))<<32 | uint64(fnv32("sysid2", seed))
	b := make([]byte, 11)
	for i := range b {
		b[i] = alphabet[v%uint64(len(alphabet))]
		v = v/uint64(len(alphabet)) + uint64(i)*7919
	}
	return string(b)
}

const defaultVersion = "7.19.4"

// portDefaults are the properties of a fresh physical port by kind.
func portDefaults(kind string) (typ string, l2mtu, maxL2 string, advertise string) {
	const gig = "10M-baseT-half,10M-baseT-full,100M-baseT-half,100M-baseT-full,1G-baseT-half,1G-baseT-full"
	switch kind {
	case "ether2.5g":
		return "ether", "1568", "9214", gig + ",2.5G-baseT"
	case "sfp+":
		return "ether", "1592", "10218", "1G-baseX,10G-baseSR-LR,10G-baseCR"
	case "wifi5", "wifi2", "wifi":
		return "wifi", "1560", "2290", ""
	case "wlan", "wlan2", "wlan5":
		return "wlan", "1600", "2290", ""
	case "lte":
		return "lte", "", "", ""
	}
	return "ether", "1568", "9214", gig
}

// addPort creates a physical port for an export that names one the model
// lacks; the port kind follows from the view's type and the name.
func (s *state) addPort(name, ifType string) *item {
	kind := ifType
	switch ifType {
	case "wifi":
		kind = "wifi5"
	case "ether":
		kind = "ether"
		if strings.HasPrefix(name, "sfp") {
			kind = "sfp+"
		}
	}
	return s.addPortKind(name, kind)
}

// addPortKind creates a physical port: type, default-name, the view's
// defaults and the next factory MAC.
func (s *state) addPortKind(name, kind string) *item {
	typ, l2, maxL2, adv := portDefaults(kind)
	view := map[string]string{"ether": "/interface/ethernet", "wifi": "/interface/wifi", "wlan": "/interface/wireless", "lte": "/interface/lte"}[typ]
	m := s.menu(view)
	if m == nil {
		m = s.menu(ifaces)
	}
	it := &item{props: map[string]string{}}
	for _, p := range m.props {
		if p.hasDef {
			it.props[p.name] = p.def
		}
	}
	mac := s.dev.allocMAC()
	for k, v := range map[string]string{"name": name, "default-name": name, "type": typ, "mtu": "1500",
		"mac-address": mac, "running": "false", "slave": "false", "dynamic": "false"} {
		it.props[k] = v
	}
	if l2 != "" {
		it.props["l2mtu"], it.props["max-l2mtu"] = l2, maxL2
	}
	switch typ {
	case "ether":
		it.props["orig-mac-address"] = mac
		it.props["switch"] = "switch1"
		it.props["advertise"] = adv
		it.props["loop-protect-status"] = "off"
	case "wifi":
		it.props["disabled"] = "true" // radios are off until configured
		it.link = true
	case "wlan":
		it.props["disabled"] = "true"
		it.props["interface-type"] = "Atheros AR9300"
		it.link = true
	case "lte":
		it.link = true
	}
	t := s.tbl(ifaces)
	it.id = t.next
	t.next++
	t.items = append(t.items, it)
	deriveInterface(s, m, it, nil)
	return it
}

// seedBase creates what a fresh router has before its configuration: the
// model's ports and the system menus.
func seedBase(s *state) {
	d := s.dev
	mdl := d.model
	for _, p := range mdl.ports {
		s.addPortKind(p.name, p.kind)
	}
	single := func(path string, kvs ...string) {
		it := s.singleton(s.menu(path))
		for i := 0; i+1 < len(kvs); i += 2 {
			it.props[kvs[i]] = kvs[i+1]
		}
	}
	build := d.date(d.buildTime())
	hddFree := mdl.hdd * 7 / 10 / 4096 * 4096
	single("/system/resource",
		"version", d.version+" ("+channel(d.version)+")", "build-time", build, "factory-software", mdl.factory,
		"total-memory", strconv.FormatInt(mdl.memory, 10), "cpu", mdl.cpu, "cpu-count", strconv.Itoa(mdl.cpuCount),
		"cpu-frequency", strconv.Itoa(mdl.cpuMHz), "free-hdd-space", strconv.FormatInt(hddFree, 10),
		"total-hdd-space", strconv.FormatInt(mdl.hdd, 10), "write-sect-since-reboot", "23", "write-sect-total", "91274",
		"bad-blocks", "0", "architecture-name", mdl.arch, "board-name", mdl.boardName, "platform", "MikroTik")
	if mdl.chr {
		single("/system/license", "system-id", d.systemID, "level", "free")
	} else {
		level := "4"
		if mdl.cpuCount >= 8 || strings.HasPrefix(mdl.code, "CRS") {
			level = "6"
		}
		single("/system/license", "software-id", d.softwareID, "upgradable-to", "v8.x", "nlevel", level, "features", "")
		single("/system/routerboard", "routerboard", "true", "board-name", mdl.boardName, "model", mdl.code,
			"revision", mdl.revision, "serial-number", d.serial, "firmware-type", mdl.firmware,
			"factory-firmware", mdl.factory, "current-firmware", d.version, "upgrade-firmware", d.version)
	}
	add := func(path string, kvs ...string) {
		var given []kv
		for i := 0; i+1 < len(kvs); i += 2 {
			given = append(given, kv{kvs[i], kvs[i+1]})
		}
		s.add(s.menu(path), given)
	}
	pkgs := []string{"routeros"}
	for _, p := range mdl.ports {
		if strings.HasPrefix(p.kind, "wifi") {
			pkgs = append(pkgs, "wifi-qcom")
			break
		}
	}
	if d.wireless {
		pkgs = append(pkgs, "wireless")
	}
	for _, name := range pkgs {
		add("/system/package", "name", name, "version", d.version, "build-time", build, "scheduled", "", "disabled", "false")
	}
	for _, svc := range [][2]string{{"telnet", "23"}, {"ftp", "21"}, {"www", "80"}, {"ssh", "22"},
		{"www-ssl", "443"}, {"api", "8728"}, {"winbox", "8291"}, {"api-ssl", "8729"}} {
		add("/ip/service", "name", svc[0], "port", svc[1], "invalid", "false", "disabled", boolStr(svc[0] == "www-ssl"))
	}
	for _, g := range [][2]string{{"read", "local,telnet,ssh,reboot,read,test,winbox,password,web,sniff,sensitive,api,romon,rest-api"},
		{"write", "local,telnet,ssh,reboot,read,write,test,winbox,password,web,sniff,sensitive,api,romon,rest-api"},
		{"full", "local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,password,web,sniff,sensitive,api,romon,rest-api"}} {
		add("/user/group", "name", g[0], "policy", g[1])
	}
	add("/user", "name", "admin", "group", "full", "password", "", "expired", "false", "comment", "system default user")
	for _, l := range []string{"all", "none", "dynamic", "static"} {
		add("/interface/list", "name", l, "builtin", "true", "dynamic", "false")
	}
	add("/routing/table", "name", "main", "fib", "yes")
	s.changes = s.changes[:0]
}

// finalize brings links up on ports the configuration uses, applies
// overrides and recomputes everything derived.
func finalize(s *state, ov overrides) {
	if ov.identity != "" {
		s.singleton(s.menu("/system/identity")).props["name"] = ov.identity
	}
	used := map[string]bool{}
	note := func(table, prop string, list bool) {
		for _, it := range s.tbl(table).items {
			v := it.props[prop]
			if list {
				for _, n := range strings.Split(v, ",") {
					used[n] = true
				}
			} else {
				used[strings.TrimPrefix(v, "!")] = true
			}
		}
	}
	note("/interface/bridge/port", "interface", false)
	note("/ip/address", "interface", false)
	note("/ip/dhcp-client", "interface", false)
	note("/ipv6/address", "interface", false)
	note(ifaces, "interface", false) // VLAN, VRRP and PPPoE parents
	note(ifaces, "slaves", true)
	for _, it := range s.tbl(ifaces).items {
		if it.props["type"] == "ether" && physical(it) && used[it.props["name"]] {
			it.link = true
		}
	}
	// Create every table and singleton now, so reading a finished
	// profile never writes to it (profiles are shared between routers).
	for _, m := range s.cat.menus {
		s.tbl(m.table)
		if m.single {
			s.singleton(m)
		}
	}
	s.rederiveAll()
	s.lenient = false
}

// BuiltinOptions configure Builtin. Zero values give a hAP ax² with a
// stock RouterOS 7.19.4 default configuration.
type BuiltinOptions struct {
	Model    string // routerboard model; default "C52iG-5HaxD2HaxD" (hAP ax²)
	Serial   string // default "HF209C2BNZQ"
	Identity string // default "MikroTik"
	MACSeed  string // seeds the factory MACs; default the serial number
	Version  string // RouterOS version; default "7.19.4"

	seed string   // CHR variants
	cat  *catalog // shared with the profile Variant derives from
}

// Builtin returns a realistic home router: ether1 WAN with a bound DHCP
// client (its address, default route and DNS server), the other ports and
// radios in "bridge" with 192.168.88.1/24, a DHCP server with two leases,
// DNS, NTP, the defconf firewall and NAT, and wifi on radio models. Options
// vary serial, identity and MACs so a fleet of distinct routers can be made
// (see Profile.Variant).
func Builtin(opts BuiltinOptions) *Profile {
	o := opts
	if o.Model == "" {
		o.Model = "C52iG-5HaxD2HaxD"
	}
	if o.Serial == "" {
		o.Serial = "HF209C2BNZQ"
	}
	if o.Identity == "" {
		o.Identity = "MikroTik"
	}
	if o.Version == "" {
		o.Version = defaultVersion
	}
	mdl := lookupModel(o.Model)
	src := builtinExport(mdl, o)
	p, _ := loadExport(src, overrides{identity: o.Identity, macSeed: o.MACSeed, seed: o.seed, version: o.Version, cat: o.cat})
	o.cat = nil
	p.builtin = &o
	p.report = LoadReport{}
	addBuiltinDynamic(p.st, mdl)
	return p
}

// builtinExport writes the defconf of a RouterOS 7 home router as export
// text, so Builtin goes through the same loader as real exports.
func builtinExport(mdl model, o BuiltinOptions) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# 2025-08-01 09:00:00 by RouterOS %s\n# software id = %s\n#\n", o.Version, softwareIDFor(o.Serial))
	if !mdl.chr {
		fmt.Fprintf(&b, "# model = %s\n# serial number = %s\n", mdl.code, o.Serial)
	}
	var lan []string
	var radios []portSpec
	wan := ""
	for _, p := range mdl.ports {
		switch {
		case strings.HasPrefix(p.kind, "wifi"), strings.HasPrefix(p.kind, "wlan"):
			radios = append(radios, p)
		case wan == "":
			wan = p.name
		default:
			lan = append(lan, p.name)
		}
	}
	for _, r := range radios {
		lan = append(lan, r.name)
	}
	ssid := "MikroTik-" + strings.ToUpper(strconv.FormatUint(uint64(fnv32("ssid", o.Serial)&0xFFFFFF), 16))
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	if len(lan) > 0 {
		w("/interface bridge", "add comment=defconf name=bridge")
	}
	for i, r := range radios {
		switch r.kind {
		case "wlan2", "wlan5":
			band, width := "2ghz-b/g/n", "20/40mhz-XX"
			if r.kind == "wlan5" {
				band, width = "5ghz-a/n/ac", "20/40/80mhz-XXXX"
			}
			if i == 0 {
				w("/interface wireless")
			}
			w(fmt.Sprintf("set [ find default-name=%s ] band=%s channel-width=%s country=latvia disabled=no \\", r.name, band, width),
				fmt.Sprintf("    distance=indoors frequency=auto installation=indoor mode=ap-bridge ssid=%s \\", ssid),
				"    wireless-protocol=802.11")
		default:
			band, width := "2ghz-ax", "20/40mhz"
			if r.kind == "wifi5" {
				band, width = "5ghz-ax", "20/40/80mhz"
			}
			if i == 0 {
				w("/interface wifi")
			}
			w(fmt.Sprintf("set [ find default-name=%s ] channel.band=%s .skip-dfs-channels=10min-cac .width=%s \\", r.name, band, width),
				fmt.Sprintf("    configuration.country=Latvia .mode=ap .ssid=%s disabled=no \\", ssid),
				"    security.authentication-types=wpa2-psk,wpa3-psk")
		}
	}
	w("/interface list", "add comment=defconf name=WAN", "add comment=defconf name=LAN")
	if len(lan) > 0 {
		w("/ip pool", "add name=default-dhcp ranges=192.168.88.10-192.168.88.254",
			"/ip dhcp-server", "add address-pool=default-dhcp interface=bridge lease-time=30m name=defconf",
			"/interface bridge port")
		for _, p := range lan {
			w("add bridge=bridge comment=defconf interface=" + p)
		}
	}
	w("/ip neighbor discovery-settings", "set discover-interface-list=LAN", "/interface list member")
	if len(lan) > 0 {
		w("add comment=defconf interface=bridge list=LAN")
	}
	w("add comment=defconf interface="+wan+" list=WAN",
		"/ip address")
	if len(lan) > 0 {
		w("add address=192.168.88.1/24 comment=defconf interface=bridge network=192.168.88.0")
	}
	w("/ip dhcp-client", "add comment=defconf interface="+wan)
	if len(lan) > 0 {
		w("/ip dhcp-server network",
			"add address=192.168.88.0/24 comment=defconf dns-server=192.168.88.1 gateway=192.168.88.1")
	}
	w("/ip dns", "set allow-remote-requests=yes",
		"/ip dns static", "add address=192.168.88.1 comment=defconf name=router.lan type=A",
		"/ip firewall filter",
		`add action=accept chain=input comment="defconf: accept established,related,untracked" connection-state=established,related,untracked`,
		`add action=drop chain=input comment="defconf: drop invalid" connection-state=invalid`,
		`add action=accept chain=input comment="defconf: accept ICMP" protocol=icmp`,
		`add action=accept chain=input comment="defconf: accept to local loopback (for CAPsMAN)" dst-address=127.0.0.1`,
		`add action=drop chain=input comment="defconf: drop all not coming from LAN" in-interface-list=!LAN`,
		`add action=accept chain=forward comment="defconf: accept in ipsec policy" ipsec-policy=in,ipsec`,
		`add action=accept chain=forward comment="defconf: accept out ipsec policy" ipsec-policy=out,ipsec`,
		`add action=fasttrack-connection chain=forward comment="defconf: fasttrack" connection-state=established,related hw-offload=yes`,
		`add action=accept chain=forward comment="defconf: accept established,related, untracked" connection-state=established,related,untracked`,
		`add action=drop chain=forward comment="defconf: drop invalid" connection-state=invalid`,
		`add action=drop chain=forward comment="defconf: drop all from WAN not DSTNATed" connection-nat-state=!dstnat connection-state=new in-interface-list=WAN`,
		"/ip firewall nat",
		`add action=masquerade chain=srcnat comment="defconf: masquerade" ipsec-policy=out,none out-interface-list=WAN`,
		"/system clock", "set time-zone-name=Europe/Riga",
		"/system identity", "set name="+quoteValue(o.Identity),
		"/system ntp client", "set enabled=yes",
		"/system ntp client servers", "add address=time.cloudflare.com",
		"/tool mac-server", "set allowed-interface-list=LAN")
	return b.Bytes()
}

// quoteValue quotes an export value when it needs it.
func quoteValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"\\$?[]=;") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, `?`, `\?`)
	return `"` + r.Replace(v) + `"`
}

// addBuiltinDynamic adds what a running home router learned: the WAN lease
// (address, default route, DNS server), two LAN leases and a link-local
// IPv6 address; some LAN ports have no cable.
func addBuiltinDynamic(s *state, mdl model) {
	s.lenient = true
	defer func() { s.lenient = false }()
	wan := mdl.ports[0].name
	host := 10 + fnv32("wan", s.dev.serial, s.dev.macSeed)%240
	addr := fmt.Sprintf("192.168.0.%d", host)
	for _, it := range s.tbl("/ip/dhcp-client").items {
		for k, v := range map[string]string{"status": "bound", "address": addr + "/24", "gateway": "192.168.0.1",
			"dhcp-server": "192.168.0.1", "primary-dns": "192.168.0.1", "expires-after": "23h41m3s"} {
			it.props[k] = v
		}
		deriveDHCPClient(s, s.menu("/ip/dhcp-client"), it, nil)
		s.addDynamic("/ip/address", 0, map[string]string{"address": addr + "/24", "network": "192.168.0.0",
			"interface": wan, "dynamic": "true", "disabled": "false"})
		s.addDynamic("/ip/route", it.id, map[string]string{"dst-address": "0.0.0.0/0", "routing-table": "main",
			"gateway": "192.168.0.1", "immediate-gw": "192.168.0.1%" + wan, "distance": "1", "scope": "30",
			"target-scope": "10", "vrf-interface": wan, "suppress-hw-offload": "false", "dhcp": "true",
			"dynamic": "true", "active": "true", "inactive": "false", "disabled": "false"})
	}
	s.singleton(s.menu("/ip/dns")).props["dynamic-servers"] = "192.168.0.1"
	if s.menu("/interface/bridge") != nil && s.find(s.menu("/interface/bridge"), "bridge") != nil {
		for i, c := range []struct{ ip, mac, host string }{
			{"192.168.88.254", "BC:C7:46:9C:FC:E4", "DOT-HOME"},
			{"192.168.88.253", "5A:1E:C2:37:90:0B", "android-phone"},
		} {
			s.addDynamic("/ip/dhcp-server/lease", 0, map[string]string{"address": c.ip, "mac-address": c.mac,
				"client-id": "1:" + strings.ToLower(c.mac), "address-lists": "", "server": "defconf", "dhcp-option": "",
				"status": "bound", "expires-after": fmt.Sprintf("%dm%ds", 27-i*9, 18+i*7), "last-seen": fmt.Sprintf("%dm%ds", 2+i*9, 42-i*7),
				"active-address": c.ip, "active-mac-address": c.mac, "active-client-id": "1:" + strings.ToLower(c.mac),
				"active-server": "defconf", "host-name": c.host, "radius": "false", "dynamic": "true", "blocked": "false",
				"disabled": "false"})
		}
		// Cables in the WAN port and the first LAN port only.
		for i, p := range mdl.ports {
			if it := s.interfaceByName(p.name); it != nil && it.props["type"] == "ether" {
				it.link = i <= 1
			}
		}
		if br := s.find(s.menu("/interface/bridge"), "bridge"); br != nil {
			recomputeInterfaces(s)
			s.addDynamic("/ipv6/address", 0, map[string]string{"address": linkLocal(br.props["mac-address"]) + "/64",
				"from-pool": "", "interface": "bridge", "eui-64": "false", "advertise": "false", "no-dad": "false",
				"dynamic": "true", "disabled": "false"})
		}
	}
	s.rederiveAll()
}

// linkLocal is the EUI-64 link-local address of a MAC.
func linkLocal(mac string) string {
	hw, err := net.ParseMAC(mac)
	if err != nil || len(hw) != 6 {
		return "fe80::1"
	}
	a := [16]byte{0: 0xfe, 1: 0x80, 8: hw[0] ^ 0x02, 9: hw[1], 10: hw[2], 11: 0xff, 12: 0xfe, 13: hw[3], 14: hw[4], 15: hw[5]}
	return netip.AddrFrom16(a).String()
}
