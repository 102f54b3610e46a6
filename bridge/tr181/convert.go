package tr181

import (
	"strconv"
	"strings"

	"github.com/uspbridge/uspbridge/routeros"
)

// Conversions from RouterOS value spellings (REPORT.md §1.12) to TR-106
// lexical forms.

// rosBool reads a RouterOS boolean: v7 says "true"/"false", enum-typed
// properties and v6 say "yes"/"no".
func rosBool(v string) bool { return v == "true" || v == "yes" }

// tr106Bool formats a boolean as TR-106 "true"/"false".
func tr106Bool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// seconds parses a RouterOS duration ("1w2d3h4m5s", "5m", "453us",
// "1ms786us", "00:05:00") into whole seconds. ok is false for "never", empty
// or malformed input.
func seconds(v string) (uint64, bool) {
	if v == "" || v == "never" {
		return 0, false
	}
	if strings.Count(v, ":") == 2 { // older hh:mm:ss, optionally "3d 01:02:03"
		var days uint64
		if i := strings.IndexByte(v, 'd'); i > 0 {
			d, err := strconv.ParseUint(strings.TrimSpace(v[:i]), 10, 64)
			if err != nil {
				return 0, false
			}
			days, v = d, strings.TrimSpace(v[i+1:])
		}
		parts := strings.Split(v, ":")
		var total uint64
		for _, p := range parts {
			n, err := strconv.ParseUint(p, 10, 64)
			if err != nil {
				return 0, false
			}
			total = total*60 + n
		}
		return days*86400 + total, true
	}
	var total, num uint64
	var haveNum bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= '0' && c <= '9' {
			num = num*10 + uint64(c-'0')
			haveNum = true
			continue
		}
		if !haveNum {
			return 0, false
		}
		unit := string(c)
		if c == 'm' && i+1 < len(v) && v[i+1] == 's' || c == 'u' && i+1 < len(v) && v[i+1] == 's' || c == 'n' && i+1 < len(v) && v[i+1] == 's' {
			unit = v[i : i+2]
			i++
		}
		switch unit {
		case "w":
			total += num * 604800
		case "d":
			total += num * 86400
		case "h":
			total += num * 3600
		case "m":
			total += num * 60
		case "s":
			total += num
		case "ms", "us", "ns":
			// below a second: dropped
		default:
			return 0, false
		}
		num, haveNum = 0, false
	}
	if haveNum { // a bare number is seconds
		total += num
	}
	return total, true
}

// kib converts a byte count to KiB (TR-181 MemoryStatus units), rounding down.
func kib(v string) string {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return "0"
	}
	return strconv.FormatUint(n/1024, 10)
}

// uintOr0 returns v when it is an unsigned decimal, else "0".
func uintOr0(v string) string {
	if _, err := strconv.ParseUint(v, 10, 64); err != nil {
		return "0"
	}
	return v
}

// uint32Clamp returns v as an unsignedInt, saturating at 2^32-1 (TR-181
// 32-bit counters wrap; RouterOS counts in 64 bits).
func uint32Clamp(v string) string {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return "0"
	}
	if n > 1<<32-1 {
		n = 1<<32 - 1
	}
	return strconv.FormatUint(n, 10)
}

// rateMbps converts a RouterOS rate word to Mbps: "1Gbps" → 1000,
// "100Mbps" → 100, "2.5Gbps" → 2500, "10G-baseT-full" → 10000. ok is false
// when v is not a rate.
func rateMbps(v string) (int64, bool) {
	v = strings.TrimSuffix(v, "ps")
	v = strings.TrimSuffix(v, "b")
	if i := strings.IndexByte(v, '-'); i > 0 { // advertise form "1G-baseT-full"
		v = v[:i]
	}
	if v == "" {
		return 0, false
	}
	mult := 1.0
	switch v[len(v)-1] {
	case 'G':
		mult, v = 1000, v[:len(v)-1]
	case 'M':
		mult, v = 1, v[:len(v)-1]
	case 'k':
		mult, v = 0.001, v[:len(v)-1]
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return int64(f*mult + 0.5), true
}

// macUpper formats a RouterOS MAC (already colon-separated) in TR-181 form:
// upper-case hex with colons. Anything else gives "".
func macUpper(v string) string {
	if len(v) != 17 {
		return ""
	}
	for i := 0; i < 17; i++ {
		c := v[i]
		if i%3 == 2 {
			if c != ':' {
				return ""
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return ""
		}
	}
	return strings.ToUpper(v)
}

// single returns the one record of a singleton menu (/system/resource), or
// an empty record when the menu is absent.
func single(s Snapshot, menu string) routeros.Record {
	if rs := s.Menu(menu); len(rs) > 0 {
		return rs[0]
	}
	return routeros.Record{}
}

func uintString(n uint64) string { return strconv.FormatUint(n, 10) }
