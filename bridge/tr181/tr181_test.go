package tr181

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/uspbridge/uspbridge/routeros"
	"github.com/uspbridge/uspbridge/routeros/sim"
)

// mapSnapshot is a Snapshot over fixed records.
type mapSnapshot map[string][]routeros.Record

func (m mapSnapshot) Menu(menu string) []routeros.Record { return m[menu] }
func (m mapSnapshot) Find(menu, prop, value string) routeros.Record {
	for _, r := range m[menu] {
		if v, ok := r[prop]; ok && v == value {
			return r
		}
	}
	return nil
}

// sample loads the records of a RouterOS reply sample from
// shared/reference/routeros/samples (real or documented v7 replies).
func sample(t *testing.T, file, variant string) []routeros.Record {
	t.Helper()
	path, err := sim.SharedReference("routeros", "samples", file)
	if err != nil {
		t.Fatalf("reference sample: %v", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reference sample: %v", err)
	}
	var doc struct {
		Records  []routeros.Record          `json:"records"`
		Variants map[string]json.RawMessage `json:"variants"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if variant != "" {
		var recs []routeros.Record
		if err := json.Unmarshal(doc.Variants[variant], &recs); err != nil {
			t.Fatalf("%s variant %s: %v", file, variant, err)
		}
		return recs
	}
	return doc.Records
}

func hapAx2(t *testing.T) mapSnapshot {
	return mapSnapshot{
		menuResource:    sample(t, "system_resource_print.json", "hap_ax2_7.20.5"),
		menuRouterboard: sample(t, "system_routerboard_print.json", "hap_ax2"),
		menuEthernet:    sample(t, "interface_ethernet_print.json", ""),
		menuInterface:   sample(t, "interface_print.json", ""),
		menuIPAddress:   sample(t, "ip_address_print.json", ""),
		menuDHCPClient:  sample(t, "ip_dhcp_client_print.json", ""),
	}
}

// values returns name → value of o's parameters for item it.
func values(s Snapshot, o *Object, it *Item) map[string]string {
	out := map[string]string{}
	for _, p := range o.Params {
		out[p.Name] = p.Get(s, it)
	}
	return out
}

func object(t *testing.T, path string) *Object {
	for _, o := range Objects() {
		if o.Path == path {
			return o
		}
	}
	t.Fatalf("no object %s", path)
	return nil
}

func expect(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s%s = %q, want %q", what, k, got[k], w)
		}
	}
}

func TestDeviceInfoFromRealReplies(t *testing.T) {
	s := hapAx2(t)
	root := &Item{}
	expect(t, "Device.DeviceInfo.", values(s, object(t, "Device.DeviceInfo."), root), map[string]string{
		"Manufacturer":    "MikroTik",
		"ManufacturerOUI": "48A98A",
		"ModelName":       "hAP ax^2",
		"ProductClass":    "C52iG-5HaxD2HaxD",
		"SerialNumber":    "HF209XXXXXX",
		"HardwareVersion": "r2",
		"SoftwareVersion": "7.20.5",
		"UpTime":          "4360", // 1h12m40s
		"Description":     "MikroTik hAP ax^2 (arm64)",
	})
	expect(t, "Device.DeviceInfo.MemoryStatus.", values(s, object(t, "Device.DeviceInfo.MemoryStatus."), root), map[string]string{
		"Total": "1048576", // 1073741824 bytes
		"Free":  "689160",  // 705699840 bytes
	})
	expect(t, "Device.DeviceInfo.ProcessStatus.", values(s, object(t, "Device.DeviceInfo.ProcessStatus."), root), map[string]string{"CPUUsage": "7"})
}

func TestDeviceInfoCHR(t *testing.T) {
	// A CHR has no /system/routerboard: model from board-name, serial from the licence.
	s := mapSnapshot{
		menuResource: sample(t, "system_resource_print.json", "chr_7.19.4"),
		menuLicense:  {{"system-id": "dGq3nFZ2k9x", "level": "p1"}},
		menuEthernet: {{".id": "*1", "name": "ether1", "default-name": "ether1", "mac-address": "0C:4F:9B:00:01:02"}},
	}
	id := IdentityOf(s)
	if id.ProductClass != "CHR" || id.SerialNumber != "dGq3nFZ2k9x" || id.OUI != "0C4F9B" {
		t.Fatalf("CHR identity = %+v", id)
	}
}

func TestEthernetAndIPFromRealReplies(t *testing.T) {
	s := hapAx2(t)
	eth := object(t, "Device.Ethernet.Interface.{i}.")
	items := eth.Items(s, &Item{})
	if len(items) != 1 {
		t.Fatalf("%d ethernet items", len(items))
	}
	expect(t, "Ethernet.Interface.1.", values(s, eth, &items[0]), map[string]string{
		"Enable": "true", "Status": "Up", "Name": "ether1", "MACAddress": "48:A9:8A:DF:E5:B2", "MaxBitRate": "-1",
	})
	expect(t, "Ethernet.Interface.1.Stats.", values(s, object(t, "Device.Ethernet.Interface.{i}.Stats."), &items[0]), map[string]string{
		"BytesSent": "147887338", "BytesReceived": "205149015", "PacketsSent": "150015", "PacketsReceived": "158132", "ErrorsSent": "0",
	})

	ipIf := object(t, "Device.IP.Interface.{i}.")
	ifs := ipIf.Items(s, &Item{})
	// /ip/address names ether2, ether3, dummy, sfp12 and the DHCP client ether1;
	// only ether1 and ether2 are in the /interface sample.
	var names []string
	for _, it := range ifs {
		names = append(names, it.Rec["name"])
	}
	if want := []string{"ether1", "ether2", "ether3", "dummy", "sfp12"}; len(names) != len(want) {
		t.Fatalf("IP interfaces %v, want %v", names, want)
	}
	expect(t, "IP.Interface(ether3).", values(s, ipIf, &ifs[2]), map[string]string{"Name": "ether3", "Status": "NotPresent"})

	addr := object(t, "Device.IP.Interface.{i}.IPv4Address.{i}.")
	var sfp12 *Item
	for i := range ifs {
		if ifs[i].Rec["name"] == "sfp12" {
			sfp12 = &ifs[i]
		}
	}
	a := addr.Items(s, sfp12)
	if len(a) != 1 {
		t.Fatalf("%d addresses on sfp12", len(a))
	}
	expect(t, "IPv4Address(sfp12).", values(s, addr, &a[0]), map[string]string{
		"IPAddress": "10.155.101.214", "SubnetMask": "255.255.255.0", "Enable": "true", "Status": "Enabled", "AddressingType": "Static",
	})
	e3 := addr.Items(s, &ifs[2])
	expect(t, "IPv4Address(ether3).", values(s, addr, &e3[0]), map[string]string{"Enable": "false", "Status": "Disabled"})
}

func TestConversions(t *testing.T) {
	for in, want := range map[string]uint64{"1w2d3h4m5s": 788645, "5m": 300, "453us": 0, "1ms786us": 0, "7h17m52s": 26272, "00:05:00": 300, "3d 01:00:00": 262800, "42": 42} {
		if got, ok := seconds(in); !ok || got != want {
			t.Errorf("seconds(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "never", "abc", "5x"} {
		if _, ok := seconds(bad); ok {
			t.Errorf("seconds(%q) ok", bad)
		}
	}
	for in, want := range map[string]int64{"1Gbps": 1000, "100Mbps": 100, "2.5Gbps": 2500, "10G-baseT-full": 10000} {
		if got, ok := rateMbps(in); !ok || got != want {
			t.Errorf("rateMbps(%q) = %d, %v", in, got, ok)
		}
	}
	if got := macUpper("d4:01:c3:f5:b4:89"); got != "D4:01:C3:F5:B4:89" {
		t.Errorf("macUpper = %q", got)
	}
	if got := uint32Clamp("4294967296"); got != "4294967295" {
		t.Errorf("uint32Clamp = %q", got)
	}
}
