package sim

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestSplitLines(t *testing.T) {
	src := "# 2025-08-20 13:33:04 by RouterOS 7.17\r\n" +
		"/interface bridge\r\n" +
		"add name=br tagged=\"sfp-sfpp\\\r\n    lus9,ether2\" \\\r\n    vlan-ids=10\r\n" +
		"# a comment inside a section\n" +
		"set [ find default-name=ether1 ] comment=\"a\\\n    b\" disabled=\\\n    yes\n" +
		"add name=last"
	got := splitLines([]byte(src))
	want := []exportLine{
		{no: 1, text: "# 2025-08-20 13:33:04 by RouterOS 7.17", comment: true},
		{no: 2, text: "/interface bridge"},
		{no: 3, text: `add name=br tagged="sfp-sfpplus9,ether2" vlan-ids=10`},
		{no: 6, text: "# a comment inside a section", comment: true},
		{no: 7, text: `set [ find default-name=ether1 ] comment="ab" disabled=yes`},
		{no: 10, text: "add name=last"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestTokenize(t *testing.T) {
	toks, ok := tokenize(`set [ find where default-name=ether1 ] comment="OOB \"Mgmt\" \\ \$x \? \C3\A9\_!" !keepalive blackhole channel.band=5ghz-ax .width=20mhz`)
	if !ok {
		t.Fatal("tokenize failed")
	}
	if len(toks) != 7 || !toks[1].isGrp || len(toks[1].group) != 3 {
		t.Fatalf("tokens %+v", toks)
	}
	if got, want := toks[2].val, "OOB \"Mgmt\" \\ $x ? é !"; got != want {
		t.Fatalf("unescape %q, want %q", got, want)
	}
	set, unset, ok := args(toks[2:])
	if !ok {
		t.Fatal("args failed")
	}
	wantSet := []kv{{"comment", toks[2].val}, {"blackhole", "yes"}, {"channel.band", "5ghz-ax"}, {"channel.width", "20mhz"}}
	if !reflect.DeepEqual(set, wantSet) || !reflect.DeepEqual(unset, []string{"keepalive"}) {
		t.Fatalf("args %v / %v", set, unset)
	}
	conds, ok := findConditions(toks[1].group)
	if !ok || !reflect.DeepEqual(conds, []kv{{"default-name", "ether1"}}) {
		t.Fatalf("find %v", conds)
	}
	for _, bad := range []string{`add name="open`, `set [ find name=x`} {
		if _, ok := tokenize(bad); ok {
			t.Errorf("%q tokenized", bad)
		}
	}
}

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct{ line, date string }{
		{"# 2023-06-01 12:16:16 by RouterOS 7.10rc1", "2023-06-01 12:16:16"},
		{"# jun/01/2023 12:11:25 by RouterOS 7.9.1", "2023-06-01 12:11:25"},
	} {
		h := parseHeader(splitLines([]byte(tc.line + "\n# software id = FEJH-09FU\n#\n# model = RB5009UG+S+\n# serial number = X1\n/ip dns\n")))
		if got := h.when.Format("2006-01-02 15:04:05"); got != tc.date || h.softwareID != "FEJH-09FU" || h.model != "RB5009UG+S+" || h.serial != "X1" {
			t.Errorf("%q: %+v", tc.line, h)
		}
	}
}

// fixtureRouter loads an export fixture into a router.
func fixtureRouter(t *testing.T, name string) (*Profile, *Router) {
	t.Helper()
	p := loadFixture(t, name)
	return p, NewRouter(p, Options{})
}

func print1(t *testing.T, r *Router, menu string, query ...string) map[string]string {
	t.Helper()
	rep := mustExec(t, r, append([]string{menu + "/print"}, query...)...)
	if len(rep.Re) != 1 {
		t.Fatalf("%s %v: %d records", menu, query, len(rep.Re))
	}
	return rep.Re[0]
}

func count(t *testing.T, r *Router, menu string, query ...string) string {
	t.Helper()
	return mustExec(t, r, append([]string{menu + "/print", "=count-only="}, query...)...).Ret
}

func checkValues(t *testing.T, what string, got map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s = %q, want %q", what, k, got[k], v)
		}
	}
}

func checkIdentity(t *testing.T, p *Profile, r *Router, identity, model, board, serial, swid, version string) {
	t.Helper()
	if p.Identity() != identity || p.Model() != model || p.Serial() != serial || p.SoftwareID() != swid || p.Version() != version {
		t.Errorf("profile %q %q %q %q %q", p.Identity(), p.Model(), p.Serial(), p.SoftwareID(), p.Version())
	}
	checkValues(t, "identity", print1(t, r, "/system/identity"), map[string]string{"name": identity})
	checkValues(t, "routerboard", print1(t, r, "/system/routerboard"), map[string]string{
		"routerboard": "true", "model": model, "serial-number": serial, "board-name": board, "current-firmware": version})
	checkValues(t, "license", print1(t, r, "/system/license"), map[string]string{"software-id": swid})
	checkValues(t, "resource", print1(t, r, "/system/resource"), map[string]string{
		"version": version + " (stable)", "board-name": board, "platform": "MikroTik"})
}

func TestExportCRS317(t *testing.T) {
	p, r := fixtureRouter(t, "crs317-7.17.rsc")
	checkIdentity(t, p, r, "CRS317-1", "CRS317-1G-16S+", "CRS317-1G-16S+", "HG309HZFKNC", "B81L-RYRR", "7.17")
	if r.empty {
		t.Error("7.17 sends !empty")
	}
	if n := count(t, r, "/interface/ethernet"); n != "17" {
		t.Errorf("%s ports", n)
	}
	checkValues(t, "ether1", print1(t, r, "/interface/ethernet", "?default-name=ether1"), map[string]string{
		"name": "ether1_oob", "comment": "OOB Mgmt", "disabled": "false"})
	checkValues(t, "sfp-sfpplus10", print1(t, r, "/interface/ethernet", "?name=sfp-sfpplus10"), map[string]string{"disabled": "true", "running": "false"})
	checkValues(t, "sfp-sfpplus14", print1(t, r, "/interface/ethernet", "?name=sfp-sfpplus14"), map[string]string{"comment": "Uplink RB5009-1", "disabled": "true"})
	checkValues(t, "bridge", print1(t, r, "/interface/bridge"), map[string]string{
		"name": "bridge", "vlan-filtering": "true", "auto-mac": "false", "admin-mac": "D4:01:C3:1D:92:F1",
		"mac-address": "D4:01:C3:1D:92:F1", "protocol-mode": "none", "port-cost-mode": "short"})
	checkValues(t, "vlan 10", print1(t, r, "/interface/bridge/vlan", "?vlan-ids=10"), map[string]string{
		"bridge": "bridge",
		"tagged": "sfp-sfpplus1,sfp-sfpplus2,sfp-sfpplus3,sfp-sfpplus4,sfp-sfpplus5,sfp-sfpplus14,sfp-sfpplus6," +
			"sfp-sfpplus7,sfp-sfpplus8,sfp-sfpplus9,sfp-sfpplus12,sfp-sfpplus11,sfp-sfpplus13,bridge,sfp-sfpplus10"})
	checkValues(t, "vlan 40", print1(t, r, "/interface/bridge/vlan", "?vlan-ids=40"), map[string]string{
		"comment": "pubic - beanfield", "untagged": "sfp-sfpplus15"})
	checkValues(t, "vlan 41", print1(t, r, "/interface/bridge/vlan", "?vlan-ids=41"), map[string]string{"comment": "pubic -  ipv6"})
	checkValues(t, "access port", print1(t, r, "/interface/bridge/port", "?interface=sfp-sfpplus16"), map[string]string{
		"pvid": "30", "frame-types": "admit-only-untagged-and-priority-tagged"})
	checkValues(t, "dangling port", print1(t, r, "/interface/bridge/port", "?interface=*2C"), map[string]string{"status": "inactive"})
	checkValues(t, "oob address", print1(t, r, "/ip/address", "?interface=ether1_oob"), map[string]string{
		"address": "10.90.90.4/24", "network": "10.90.90.0", "comment": "OOB IP Address", "disabled": "false", "invalid": "false"})
	checkValues(t, "disabled address", print1(t, r, "/ip/address", "?address=199.45.150.9/28"), map[string]string{
		"interface": "vlan40", "disabled": "true"})
	checkValues(t, "vlan40", print1(t, r, "/interface/vlan"), map[string]string{"name": "vlan40", "vlan-id": "40", "interface": "bridge"})
	checkValues(t, "dns", print1(t, r, "/ip/dns"), map[string]string{"servers": "1.1.1.1,8.8.8.8"})
	checkValues(t, "ntp", print1(t, r, "/system/ntp/client"), map[string]string{"enabled": "true", "servers": "time.google.com"})
	checkValues(t, "clock", print1(t, r, "/system/clock"), map[string]string{"time-zone-name": "America/Vancouver"})
	checkValues(t, "route", print1(t, r, "/ip/route", "?static=true"), map[string]string{
		"dst-address": "0.0.0.0/0", "gateway": "10.90.90.1", "suppress-hw-offload": "false"})
	checkValues(t, "ssh", print1(t, r, "/ip/service", "?name=ssh"), map[string]string{"port": "3637"})
	checkValues(t, "api", print1(t, r, "/ip/service", "?name=api"), map[string]string{"disabled": "true"})
	if n := count(t, r, "/ip/firewall/filter"); n != "3" {
		t.Errorf("%s filter rules", n)
	}
	// MACs come from the OUI of the export's admin-mac and the serial.
	if mac := print1(t, r, "/interface/ethernet", "?default-name=ether1")["orig-mac-address"]; !strings.HasPrefix(mac, "D4:01:C3:") {
		t.Errorf("ether1 MAC %s", mac)
	}
	rep := p.Report()
	if rep.Skipped == 0 || rep.Applied+rep.Skipped != rep.Commands || !strings.Contains(rep.Warning(), "/ip/smb/users") {
		t.Errorf("report %+v", rep)
	}
}

func TestExportCCR2116(t *testing.T) {
	p, r := fixtureRouter(t, "ccr2116-7.20.4.rsc")
	checkIdentity(t, p, r, "CCR2116-1", "CCR2116-12G-4S+", "CCR2116-12G-4S+", "HK10AH2B85W", "12J7-W2PI", "7.20.4")
	if n := count(t, r, "/interface/ethernet"); n != "17" {
		t.Errorf("%s ports", n)
	}
	checkValues(t, "ether13", print1(t, r, "/interface", "?default-name=ether13"), map[string]string{
		"name": "ether13_oob", "comment": "OOB Configuration Port", "running": "true"})
	checkValues(t, "sfp1", print1(t, r, "/interface/ethernet", "?default-name=sfp-sfpplus1"), map[string]string{
		"name": "sfpplus1_CRS317-1", "comment": "Downlink Trunk Port To Switch"})
	for _, v := range []string{"vlan10", "vlan20", "vlan40", "vlan41"} {
		checkValues(t, v, print1(t, r, "/interface/vlan", "?name="+v), map[string]string{"interface": "sfpplus1_CRS317-1"})
	}
	checkValues(t, "bond0", print1(t, r, "/interface/bonding"), map[string]string{
		"name": "bond0", "mode": "802.3ad", "slaves": "sfp-sfpplus3", "transmit-hash-policy": "layer-2-and-3"})
	if n := count(t, r, "/ip/address"); n != "7" {
		t.Errorf("%s addresses", n)
	}
	checkValues(t, "k8s address", print1(t, r, "/ip/address", "?comment=K8S Ip Address #1"), map[string]string{
		"address": "199.45.150.2/28", "interface": "vlan40", "network": "199.45.150.0"})
	for menu, want := range map[string]string{"/ip/dns/static": "82", "/ip/firewall/filter": "24", "/ip/firewall/nat": "5",
		"/ipv6/address": "2", "/ipv6/firewall/address-list": "15", "/ip/firewall/address-list": "5"} {
		if n := count(t, r, menu); n != want {
			t.Errorf("%s: %s items, want %s", menu, n, want)
		}
	}
	checkValues(t, "ipv6", print1(t, r, "/ipv6/address", "?interface=vlan40"), map[string]string{
		"address": "2606:880::11/127", "advertise": "false", "comment": "BF PtP Address"})
	checkValues(t, "pool", print1(t, r, "/ip/pool"), map[string]string{"name": "dhcp_pool0", "ranges": "192.168.1.1-192.168.255.254"})
	checkValues(t, "dhcp", print1(t, r, "/ip/dhcp-server"), map[string]string{"name": "dhcp1", "interface": "vlan20", "address-pool": "dhcp_pool0"})
	checkValues(t, "network", print1(t, r, "/ip/dhcp-server/network"), map[string]string{
		"dns-server": "192.168.0.1,10.20.20.1,1.1.1.1,8.8.8.8", "domain": "vm.lan"})
	checkValues(t, "route", print1(t, r, "/ip/route", "?static=true"), map[string]string{
		"gateway": "199.45.150.1", "distance": "1", "scope": "30", "target-scope": "10"})
	checkValues(t, "nat", mustExec(t, r, "/ip/firewall/nat/print").Re[0], map[string]string{
		"action": "dst-nat", "comment": "k8s ip nat", "log-prefix": "METALLB/Beanfield -->", "to-addresses": "10.20.20.66"})
	checkValues(t, "clock", print1(t, r, "/system/clock"), map[string]string{"time-zone-autodetect": "false"})
}

func TestExportHAPax3(t *testing.T) {
	p, r := fixtureRouter(t, "hap-ax3-7.20.6.rsc")
	checkIdentity(t, p, r, "main-ap-ax3", "C53UiG+5HPaxD2HPaxD", "hAP ax^3", "HJG0AXEPVGQ", "N349-62RF", "7.20.6")
	checkValues(t, "wifi1", print1(t, r, "/interface/wifi", "?default-name=wifi1"), map[string]string{
		"channel.band": "5ghz-ax", "channel.skip-dfs-channels": "10min-cac", "channel.width": "20/40/80mhz",
		"configuration.country": "United States", "configuration.mode": "ap", "configuration.ssid": "Olive Pit",
		"security.authentication-types": "wpa2-psk,wpa3-psk", "security.ft": "yes", "security.ft-over-ds": "yes",
		"disabled": "false", "running": "true"})
	checkValues(t, "wifi2", print1(t, r, "/interface/wifi", "?default-name=wifi2"), map[string]string{
		"channel.band": "2ghz-ax", "channel.width": "20/40mhz"})
	if n := count(t, r, "/interface/bridge/port"); n != "7" {
		t.Errorf("%s bridge ports", n)
	}
	checkValues(t, "address", print1(t, r, "/ip/address"), map[string]string{
		"address": "192.168.88.1/24", "disabled": "true", "comment": "defconf", "interface": "bridge"})
	checkValues(t, "dhcp-client", print1(t, r, "/ip/dhcp-client"), map[string]string{
		"interface": "ether1", "comment": "defconf", "status": "searching..."})
	checkValues(t, "dhcp-server", print1(t, r, "/ip/dhcp-server"), map[string]string{"name": "defconf", "disabled": "true"})
	checkValues(t, "group", print1(t, r, "/user/group", "?name=homeassistant"), map[string]string{
		"policy": "read,test,api,!local,!telnet,!ssh,!ftp,!reboot,!write,!policy,!winbox,!password,!web,!sniff,!sensitive,!romon,!rest-api"})
	dark := print1(t, r, "/system/script", "?name=dark-mode")
	if !strings.HasPrefix(dark["source"], "\r\n   :if ([system leds settings get all-leds-off] = \"never\") do={\r\n") {
		t.Errorf("script source %q", dark["source"])
	}
	wps := print1(t, r, "/system/script", "?name=wps-accept")["source"]
	if !strings.Contains(wps, `(configuration.mode="ap" && disabled=no)`) || !strings.Contains(wps, "wps-push-button $iface;}") {
		t.Errorf("script source %q", wps)
	}
	if n := count(t, r, "/ipv6/firewall/filter"); n != "23" {
		t.Errorf("%s ipv6 filter rules", n)
	}
	if mac := p.MACs()["ether1"]; !strings.HasPrefix(mac, "04:F4:1C:") {
		t.Errorf("ether1 MAC %s", mac)
	}
}

func TestExportRB5009v719(t *testing.T) {
	p, r := fixtureRouter(t, "rb5009-7.19.4.rsc")
	checkIdentity(t, p, r, "MikroTik", "RB5009UPr+S+", "RB5009UPr+S+", "HGP09HW9PGW", "6PH6-YFG6", "7.19.4")
	if n := count(t, r, "/interface/bridge"); n != "3" {
		t.Errorf("%s bridges", n)
	}
	checkValues(t, "lan", print1(t, r, "/interface/bridge", "?name=lan"), map[string]string{
		"admin-mac": "D4:01:C3:F5:B4:89", "auto-mac": "false", "comment": "defconf"})
	checkValues(t, "iot", print1(t, r, "/interface/bridge", "?name=iot"), map[string]string{"mtu": "1514", "actual-mtu": "1514"})
	checkValues(t, "wg0", print1(t, r, "/interface/wireguard"), map[string]string{"name": "wg0", "listen-port": "51830", "mtu": "1420"})
	checkValues(t, "peer", print1(t, r, "/interface/wireguard/peers"), map[string]string{
		"name": "peer3", "allowed-address": "10.99.99.2/32", "persistent-keepalive": "25s",
		"public-key": "2K9DWoeJgP6LMmFZMedmaZagda8EnmxbR5kAc/F+0iE="})
	checkValues(t, "vlan300", print1(t, r, "/interface/vlan"), map[string]string{"interface": "ether1", "vlan-id": "300"})
	checkValues(t, "dhcp-client", print1(t, r, "/ip/dhcp-client"), map[string]string{"interface": "vlan300"})
	if n := count(t, r, "/ip/dhcp-server/lease"); n != "2" {
		t.Errorf("%s leases", n)
	}
	checkValues(t, "lease", print1(t, r, "/ip/dhcp-server/lease", "?address=192.168.88.32"), map[string]string{
		"mac-address": "60:45:CB:9B:D4:06", "client-id": "1:60:45:cb:9b:d4:6", "server": "defconf", "status": "waiting", "dynamic": "false"})
	if n := count(t, r, "/ip/dns/static"); n != "12" {
		t.Errorf("%s static dns", n)
	}
	checkValues(t, "dns", print1(t, r, "/ip/dns"), map[string]string{"allow-remote-requests": "true", "servers": "8.8.8.8,8.8.4.4"})
	checkValues(t, "clock", print1(t, r, "/system/clock"), map[string]string{"time-zone-name": "Europe/Amsterdam"})
	checkValues(t, "log rule", print1(t, r, "/ip/firewall/filter", "?log-prefix=WG-IN: "), map[string]string{"action": "log", "in-interface": "wg0"})
}

func TestExportRB5009v711(t *testing.T) {
	p, r := fixtureRouter(t, "rb5009-7.1.1.rsc")
	checkIdentity(t, p, r, "router", "RB5009UG+S+", "RB5009UG+S+", "EC1A0F65067E", "H573-DR9T", "7.1.1")
	res := print1(t, r, "/system/resource")
	if b := res["build-time"]; len(b) < 3 || b[3] != '/' {
		t.Errorf("pre-7.10 build-time %q", b)
	}
	if d := print1(t, r, "/system/clock")["date"]; len(d) != 11 || d[3] != '/' {
		t.Errorf("pre-7.10 clock date %q", d)
	}
	for def, name := range map[string]string{"ether1": "eth1-mtik", "ether2": "eth2-lte", "ether8": "eth8-wan", "sfp-sfpplus1": "sfp-rackswitch-agg"} {
		checkValues(t, def, print1(t, r, "/interface/ethernet", "?default-name="+def), map[string]string{"name": name})
	}
	checkValues(t, "eth6", print1(t, r, "/interface/ethernet", "?name=eth6"), map[string]string{"advertise": "1000M-full", "l2mtu": "9014", "mtu": "9000"})
	sit := print1(t, r, "/interface/6to4")
	if _, ok := sit["keepalive"]; ok || sit["comment"] != "HE 2001:470:ea41::/48" || sit["remote-address"] != "216.218.226.238" {
		t.Errorf("6to4 %v", sit)
	}
	if n := count(t, r, "/interface/vrrp"); n != "18" {
		t.Errorf("%s vrrp", n)
	}
	for menu, want := range map[string]string{"/ip/firewall/filter": "57", "/ip/firewall/nat": "9", "/ip/dhcp-server/lease": "56",
		"/ip/dns/static": "69", "/ip/dhcp-server": "6", "/interface/bridge/vlan": "6", "/interface/wireguard/peers": "4"} {
		if n := count(t, r, menu); n != want {
			t.Errorf("%s: %s items, want %s", menu, n, want)
		}
	}
	checkValues(t, "blackhole", mustExec(t, r, "/ip/route/print", "?static=true").Re[0], map[string]string{
		"blackhole": "true", "dst-address": "10.0.0.0/8"})
	wan := print1(t, r, "/ip/dhcp-client", "?interface=eth8-wan")
	if wan["script"] != "#/system script run dyndns-update\r\n#/system script run ipv6tun-update\r\n" || wan["use-peer-dns"] != "false" {
		t.Errorf("dhcp-client %v", wan)
	}
	src := print1(t, r, "/system/script", "?name=dyndns-update")["source"]
	if !strings.Contains(src, `url="https://$updatehost/nic/update?hostname=$ddnshost"`) || !strings.Contains(src, "as-value output=user") {
		t.Errorf("script source %q", src)
	}
	checkValues(t, "vrrp address", print1(t, r, "/ip/address", "?interface=vrrp-dns-mgmt"), map[string]string{
		"address": "10.1.0.53/32", "network": "10.1.0.53"})
	checkValues(t, "ipv6 from pool", mustExec(t, r, "/ipv6/address/print").Re[0], map[string]string{"address": "::1/64", "from-pool": "pool-wan"})
	if r.empty {
		t.Error("7.1.1 sends !empty")
	}
}

func TestExportDeterministic(t *testing.T) {
	for _, name := range []string{"crs317-7.17.rsc", "rb5009-7.1.1.rsc"} {
		a, b := loadFixture(t, name), loadFixture(t, name)
		ra, rb := NewRouter(a, Options{}), NewRouter(b, Options{})
		for _, menu := range []string{"/interface", "/ip/address", "/ip/route", "/interface/bridge/port"} {
			x := mustExec(t, ra, menu+"/print", "=.proplist=.id,name,mac-address,address,interface,dst-address").Re
			y := mustExec(t, rb, menu+"/print", "=.proplist=.id,name,mac-address,address,interface,dst-address").Re
			if !reflect.DeepEqual(x, y) {
				t.Errorf("%s %s differs between loads", name, menu)
			}
		}
	}
}

func TestBuiltinLoadsCleanly(t *testing.T) {
	for _, model := range []string{"", "C53UiG+5HPaxD2HPaxD", "RBD52G-5HacD2HnD", "RB5009UG+S+", "CCR2116-12G-4S+", "CRS317-1G-16S+", "RB750Gr3", "CHR"} {
		mdl := lookupModel(model)
		if model == "" {
			mdl = lookupModel("C52iG-5HaxD2HaxD")
		}
		_, rep := loadExport(builtinExport(mdl, BuiltinOptions{Serial: "S1", Identity: "a b", Version: "7.19.4"}), overrides{})
		if rep.Skipped != 0 {
			t.Errorf("%s: %s", model, rep.Warning())
		}
		p := Builtin(BuiltinOptions{Model: model})
		r := NewRouter(p, Options{})
		if n := count(t, r, "/ip/dhcp-client", "?status=bound"); n != "1" {
			t.Errorf("%s: %s bound dhcp clients", model, n)
		}
		if model == "RBD52G-5HacD2HnD" {
			checkValues(t, "wlan2", print1(t, r, "/interface/wireless", "?default-name=wlan2"), map[string]string{
				"band": "5ghz-a/n/ac", "mode": "ap-bridge", "disabled": "false", "running": "true", "interface-type": "Atheros AR9300"})
			if n := count(t, r, "/interface/wifi"); n != "0" {
				t.Errorf("%s wifi interfaces on a wireless board", n)
			}
		} else if _, err := r.Exec("/interface/wireless/print"); err == nil {
			t.Errorf("%s has the wireless package", model)
		}
		if model == "CHR" {
			if _, err := r.Exec("/system/routerboard/print"); err == nil {
				t.Error("CHR has /system/routerboard")
			}
			checkValues(t, "license", print1(t, r, "/system/license"), map[string]string{"system-id": p.SystemID(), "level": "free"})
		}
	}
}

func FuzzLoadExport(f *testing.F) {
	for _, name := range []string{"crs317-7.17.rsc", "hap-ax3-7.20.6.rsc", "rb5009-7.19.4.rsc"} {
		if path, err := SharedFixture("exports", name); err == nil {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("# jan/29/2022 20:58:44 by RouterOS 7.1.1\r\n# model = CHR\r\n/ip address\r\nadd address=\"a\\\r\n  b\" interface=ether1"))
	f.Add([]byte("/interface ethernet\nset [ find default-name=ether9 ] name=x\n/system identity\nset name=\"\\C3\\A9\\\"\\_\""))
	f.Add([]byte("/ip route\nadd blackhole !x .y=1 [ find ] \\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, rep := loadExport(data, overrides{})
		if rep.Applied+rep.Skipped != rep.Commands {
			t.Fatalf("report %+v", rep)
		}
		r := NewRouter(p, Options{})
		if _, err := r.Exec("/interface/print"); err != nil {
			t.Fatal(err)
		}
	})
}
