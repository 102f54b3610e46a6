package sim

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// portSpec is one physical port of a model, in factory order.
type portSpec struct {
	name string
	kind string // "ether", "ether2.5g", "sfp+", "wifi5", "wifi2", "wlan2", "wlan5", "lte"
}

// model describes one MikroTik product: what /system/resource and
// /system/routerboard report, and which ports exist before any
// configuration.
type model struct {
	code      string // routerboard "model" (also the export's "# model =")
	boardName string
	arch      string
	cpu       string
	cpuCount  int
	cpuMHz    int
	memory    int64 // bytes
	hdd       int64 // bytes
	firmware  string
	factory   string // factory-software / factory-firmware
	revision  string
	ports     []portSpec
	chr       bool
	wireless  bool // ships the legacy wireless package
}

func portRange(prefix, kind string, from, to int) []portSpec {
	var ps []portSpec
	for i := from; i <= to; i++ {
		ps = append(ps, portSpec{name: prefix + strconv.Itoa(i), kind: kind})
	}
	return ps
}

func ports(groups ...[]portSpec) []portSpec {
	var ps []portSpec
	for _, g := range groups {
		ps = append(ps, g...)
	}
	return ps
}

const (
	gib = int64(1) << 30
	mib = int64(1) << 20
)

// knownModels lists the boards the simulator knows by their export
// "# model =" line. Board names and port lists are MikroTik's product pages;
// CPU and memory figures are the published specifications.
func knownModels() []model {
	rb5009 := func(code string) model {
		return model{code: code, boardName: code, arch: "arm64", cpu: "ARM64", cpuCount: 4, cpuMHz: 1400,
			memory: gib, hdd: gib, firmware: "armada7040", factory: "7.0.5", revision: "r3",
			ports: ports(portRange("ether", "ether2.5g", 1, 1), portRange("ether", "ether", 2, 8), portRange("sfp-sfpplus", "sfp+", 1, 1))}
	}
	hapAX := func(code, board, factory string) model {
		return model{code: code, boardName: board, arch: "arm64", cpu: "ARM64", cpuCount: 4, cpuMHz: 864,
			memory: gib, hdd: 128 * mib, firmware: "ipq6000", factory: factory, revision: "r2",
			ports: ports(portRange("ether", "ether", 1, 5), []portSpec{{"wifi1", "wifi5"}, {"wifi2", "wifi2"}})}
	}
	return []model{
		{code: "CCR2116-12G-4S+", boardName: "CCR2116-12G-4S+", arch: "arm64", cpu: "ARM64", cpuCount: 16, cpuMHz: 2000,
			memory: 16 * gib, hdd: 128 * mib, firmware: "al73400", factory: "7.1.1", revision: "r1",
			ports: ports(portRange("ether", "ether", 1, 13), portRange("sfp-sfpplus", "sfp+", 1, 4))},
		{code: "CRS317-1G-16S+", boardName: "CRS317-1G-16S+", arch: "arm", cpu: "ARMv7", cpuCount: 2, cpuMHz: 800,
			memory: gib, hdd: 16 * mib, firmware: "dx3230L", factory: "6.37.1", revision: "r2",
			ports: ports(portRange("ether", "ether", 1, 1), portRange("sfp-sfpplus", "sfp+", 1, 16))},
		rb5009("RB5009UG+S+"),
		rb5009("RB5009UPr+S+"),
		hapAX("C53UiG+5HPaxD2HPaxD", "hAP ax^3", "7.8"),
		hapAX("C52iG-5HaxD2HaxD", "hAP ax^2", "7.5"),
		{code: "RBD52G-5HacD2HnD", boardName: "hAP ac^2", arch: "arm", cpu: "ARMv7", cpuCount: 4, cpuMHz: 716,
			memory: 128 * mib, hdd: 16 * mib, firmware: "ipq4000L", factory: "6.41.3", revision: "r2", wireless: true,
			ports: ports(portRange("ether", "ether", 1, 5), []portSpec{{"wlan1", "wlan2"}, {"wlan2", "wlan5"}})},
		{code: "RB750Gr3", boardName: "hEX", arch: "mmips", cpu: "MIPS 1004Kc V2.15", cpuCount: 4, cpuMHz: 880,
			memory: 256 * mib, hdd: 16 * mib, firmware: "mt7621L", factory: "6.34.3", revision: "r3",
			ports: portRange("ether", "ether", 1, 5)},
		{code: "CHR", boardName: "CHR", arch: "x86_64", cpu: "Common", cpuCount: 1, cpuMHz: 2099,
			memory: gib, hdd: 96 * mib, factory: "7.1", chr: true, ports: portRange("ether", "ether", 1, 1)},
	}
}

// lookupModel finds a model by code, or makes a plain one for an unknown
// code (ports are then created as the export references them).
func lookupModel(code string) model {
	if code == "" {
		code = "CHR"
	}
	for _, m := range knownModels() {
		if strings.EqualFold(m.code, code) {
			return m
		}
	}
	return model{code: code, boardName: code, arch: "arm64", cpu: "ARM64", cpuCount: 4, cpuMHz: 1000,
		memory: 512 * mib, hdd: 128 * mib, firmware: "unknown", factory: "7.1", revision: "r1",
		ports: portRange("ether", "ether", 1, 1)}
}

// device is the identity of one simulated router: what the export header
// said, or what Builtin was told, plus what follows from the model.
type device struct {
	model      model
	serial     string
	softwareID string
	systemID   string // CHR only
	version    string // "7.19.4"
	exportTime time.Time
	oui        [3]byte
	macSeed    string
	nextMAC    int // next factory MAC index
	wireless   bool
}

// defaultOUI is a MikroTik OUI (seen in samples/interface_print.json).
func defaultOUI() [3]byte { return [3]byte{0x48, 0xA9, 0x8A} }

func fnv32(parts ...string) uint32 {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum32()
}

// mac returns the factory MAC number idx: the OUI and 24 bits derived from
// the MAC seed, plus idx, so ports get consecutive MACs as on real boards.
func (d *device) mac(idx int) string {
	seed := d.macSeed
	if seed == "" {
		seed = d.serial
	}
	v := (fnv32("mac", seed)&0xFFFFF0 + uint32(idx)) & 0xFFFFFF
	return fmt.Sprintf("%02X:%02X:%02X:%02X:%02X:%02X", d.oui[0], d.oui[1], d.oui[2], byte(v>>16), byte(v>>8), byte(v))
}

// allocMAC hands out the next factory MAC.
func (d *device) allocMAC() string {
	m := d.mac(d.nextMAC)
	d.nextMAC++
	return m
}

// virtualMAC is a stable MAC for an interface with no port of its own
// (a bridge without admin-mac): locally administered, from seed and name.
func (d *device) virtualMAC(name string) string {
	v := fnv32("vmac", d.serial, d.macSeed, name)
	return fmt.Sprintf("%02X:%02X:%02X:%02X:%02X:%02X", 0x2A, byte(v>>24), byte(v>>16), byte(v>>8), byte(v), 0x01)
}

// versionAtLeast reports whether RouterOS version v ("7.10rc1", "7.1.1")
// is at least major.minor.
func versionAtLeast(v string, major, minor int) bool {
	ma, mi := versionParts(v)
	return ma > major || (ma == major && mi >= minor)
}

func versionParts(v string) (major, minor int) {
	num := func(s string) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	parts := strings.SplitN(v, ".", 3)
	major = num(parts[0])
	if len(parts) > 1 {
		minor = num(parts[1])
	}
	return major, minor
}

// channel is the release channel RouterOS prints after the version.
func channel(v string) string {
	switch {
	case strings.Contains(v, "beta"), strings.Contains(v, "alpha"):
		return "development"
	case strings.Contains(v, "rc"):
		return "testing"
	}
	return "stable"
}

// isoDates says whether the version prints ISO dates (7.10 and newer;
// REPORT.md §1.12).
func (d *device) isoDates() bool { return versionAtLeast(d.version, 7, 10) }

// date formats t as this version prints dates with a time of day.
func (d *device) date(t time.Time) string {
	if d.isoDates() {
		return t.Format("2006-01-02 15:04:05")
	}
	return strings.ToLower(t.Format("Jan")) + t.Format("/02/2006 15:04:05")
}

// buildTime is the build-time of the version: known builds from the samples,
// else a stable date derived from the version.
func (d *device) buildTime() time.Time {
	switch d.version {
	case "7.19.4":
		return time.Date(2025, 7, 28, 10, 0, 16, 0, time.UTC)
	case "7.20.5":
		return time.Date(2025, 11, 27, 8, 17, 4, 0, time.UTC)
	}
	if !d.exportTime.IsZero() {
		return d.exportTime.Add(-time.Duration(30*24+fnv32("build", d.version)%(24*60)) * time.Hour).Truncate(time.Second)
	}
	ma, mi := versionParts(d.version)
	return time.Date(2021+mi/8, time.Month(1+mi%8), 1+ma, 9, 30, 0, 0, time.UTC)
}

// softwareIDFor makes a software id of the form "XXXX-XXXX" from seed.
func softwareIDFor(seed string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	v := uint64(fnv32("swid", seed))<<32 | uint64(fnv32("swid2", seed))
	b := make([]byte, 0, 9)
	for i := 0; i < 8; i++ {
		if i == 4 {
			b = append(b, '-')
		}
		b = append(b, alphabet[v%uint64(len(alphabet))])
		v /= uint64(len(alphabet))
	}
	return string(b)
}
