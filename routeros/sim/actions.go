package sim

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Periodic commands (REPORT.md §1.10): monitors and ping. With =once= (or
// a ping =count=) they end on their own; otherwise they stream one round per
// =interval= (default 1 s) until /cancel, like listen.

// job is the periodic part of a command: tick renders round n and says
// whether it was the last.
type job struct {
	interval time.Duration
	tick     func(n int) (sentences [][]string, last bool)
}

// parseDuration reads RouterOS durations: "1s", "200ms", "1m30s",
// "1w2d", "00:00:01", or bare seconds.
func parseDuration(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	if strings.Count(s, ":") == 2 {
		var h, m, sec int
		if _, err := fmt.Sscanf(s, "%d:%d:%d", &h, &m, &sec); err != nil {
			return 0, false
		}
		return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(n * float64(time.Second)), true
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		j := i
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil || i == j {
			return 0, false
		}
		unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour,
			"m": time.Minute, "s": time.Second, "ms": time.Millisecond, "us": time.Microsecond}[s[i:j]]
		if unit == 0 {
			return 0, false
		}
		total += time.Duration(n * float64(unit))
		s = s[j:]
	}
	return total, true
}

// formatRTT renders a round-trip time as v7 does: "453us", "12ms",
// "10ms482us" (samples/ping.json).
func formatRTT(d time.Duration) string {
	us := d.Microseconds()
	switch {
	case us < 1000:
		return strconv.FormatInt(us, 10) + "us"
	case us%1000 == 0:
		return strconv.FormatInt(us/1000, 10) + "ms"
	}
	return fmt.Sprintf("%dms%dus", us/1000, us%1000)
}

// periodic finishes a periodic command: once → the first round and !done;
// else a job streaming rounds until the last or /cancel.
func (r *Router) periodic(c caller, req *request, once bool, tick func(n int) ([][]string, bool)) result {
	if once {
		s, _ := tick(0)
		return result{sentences: append(s, req.done())}
	}
	if c.sess == nil {
		return req.fail(trapf("", "a streaming command needs an API connection; give =once= or =count="))
	}
	interval := time.Second
	if v, ok := req.attr("interval"); ok {
		d, ok := parseDuration(v)
		if !ok || d <= 0 {
			return req.fail(badValue("interval"))
		}
		interval = d
	}
	sub := &subscription{sess: c.sess, tag: req.tag, menu: &menu{path: req.cmd}}
	return result{listen: sub, job: &job{interval: interval, tick: tick}}
}

// ping simulates /ping: addresses in 192.0.2.0/24 (TEST-NET-1) time out,
// others answer with a small deterministic round-trip time.
func (r *Router) ping(c caller, req *request) result {
	host, _ := req.attr("address")
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return req.fail(badValue("address"))
	}
	count := 0
	if v, ok := req.attr("count"); ok {
		if count, err = strconv.Atoi(v); err != nil || count < 1 {
			return req.fail(badValue("count"))
		}
	}
	size := "56"
	if v, ok := req.attr("size"); ok {
		size = v
	}
	lost := netip.MustParsePrefix("192.0.2.0/24").Contains(addr)
	var sent, received int
	var minRTT, maxRTT, sum time.Duration
	tick := func(n int) ([][]string, bool) {
		sent++
		words := req.sentence("!re", "=seq="+strconv.Itoa(n), "=host="+host)
		if lost {
			words = append(words, "=status=timeout")
		} else {
			received++
			rtt := time.Duration(300+fnv32("rtt", host, strconv.Itoa(n))%1700) * time.Microsecond
			if received == 1 || rtt < minRTT {
				minRTT = rtt
			}
			if rtt > maxRTT {
				maxRTT = rtt
			}
			sum += rtt
			words = append(words, "=size="+size, "=ttl=64", "=time="+formatRTT(rtt))
		}
		words = append(words, "=sent="+strconv.Itoa(sent), "=received="+strconv.Itoa(received),
			"=packet-loss="+strconv.Itoa(100*(sent-received)/sent))
		if received > 0 {
			words = append(words, "=min-rtt="+formatRTT(minRTT), "=avg-rtt="+formatRTT(sum/time.Duration(received)),
				"=max-rtt="+formatRTT(maxRTT))
		}
		return [][]string{words}, count > 0 && n+1 >= count
	}
	if count > 0 && c.sess == nil {
		var out [][]string
		for n := 0; n < count; n++ {
			s, _ := tick(n)
			out = append(out, s...)
		}
		return result{sentences: append(out, req.done())}
	}
	return r.periodic(c, req, false, tick)
}

// monitorTraffic simulates /interface/monitor-traffic =interface=a,b from
// the counters' rates.
func (r *Router) monitorTraffic(c caller, req *request) result {
	its, err := r.monitorTargets(req, "interface")
	if err != nil {
		return req.fail(err)
	}
	_, once := req.attr("once")
	return r.periodic(c, req, once, func(int) ([][]string, bool) {
		var out [][]string
		for _, it := range its {
			rx, tx := uint64(0), uint64(0)
			if it.props["running"] == "true" {
				w := uint64(wobble(r.st, "traffic"+it.props["name"], r.st.now(), 200))
				rx, tx = it.ctr.rate*(900+w)/1000, (it.ctr.rate/3+500)*(900+w)/1000
			}
			out = append(out, req.sentence("!re", "=name="+it.props["name"],
				"=rx-packets-per-second="+strconv.FormatUint(rx/900, 10), "=rx-bits-per-second="+strconv.FormatUint(rx*8, 10),
				"=fp-rx-packets-per-second=0", "=fp-rx-bits-per-second=0", "=rx-drops-per-second=0", "=rx-errors-per-second=0",
				"=tx-packets-per-second="+strconv.FormatUint(tx/600, 10), "=tx-bits-per-second="+strconv.FormatUint(tx*8, 10),
				"=fp-tx-packets-per-second=0", "=fp-tx-bits-per-second=0", "=tx-drops-per-second=0",
				"=tx-queue-drops-per-second=0", "=tx-errors-per-second=0"))
		}
		return out, false
	})
}

// ethernetMonitor simulates /interface/ethernet/monitor =numbers=a,b
// (samples/interface_ethernet_monitor.json).
func (r *Router) ethernetMonitor(c caller, req *request) result {
	its, err := r.monitorTargets(req, "numbers")
	if err != nil {
		return req.fail(err)
	}
	for _, it := range its {
		if it.props["type"] != "ether" {
			return req.fail(trapf("", "no such item (4)"))
		}
	}
	_, once := req.attr("once")
	return r.periodic(c, req, once, func(int) ([][]string, bool) {
		var out [][]string
		for _, it := range its {
			adv := it.props["advertise"]
			words := req.sentence("!re", "=name="+it.props["name"])
			if it.props["running"] == "true" {
				rate := "1Gbps"
				switch {
				case strings.Contains(adv, "10G"):
					rate = "10Gbps"
				case strings.Contains(adv, "2.5G"):
					rate = "2.5Gbps"
				}
				words = append(words, "=status=link-ok", "=auto-negotiation=done", "=rate="+rate, "=full-duplex=true",
					"=tx-flow-control=false", "=rx-flow-control=false", "=supported="+adv, "=advertising="+adv,
					"=link-partner-advertising="+adv)
			} else {
				words = append(words, "=status=no-link", "=auto-negotiation=done", "=supported="+adv,
					"=advertising="+adv, "=link-partner-advertising=")
			}
			out = append(out, words)
		}
		return out, false
	})
}

// monitorTargets resolves the interfaces a monitor names (names or *ids,
// comma list).
func (r *Router) monitorTargets(req *request, arg string) ([]*item, error) {
	v, ok := req.attr(arg)
	if !ok {
		if v, ok = req.attr(".id"); !ok {
			return nil, trapf("", "missing value(s) of argument(s) "+arg)
		}
	}
	var out []*item
	for _, n := range strings.Split(v, ",") {
		it := r.st.interfaceByName(n)
		if it == nil {
			return nil, badValue(arg)
		}
		out = append(out, it)
	}
	return out, nil
}
