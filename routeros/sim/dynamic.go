package sim

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // /system/clock time zones must not depend on the host
)

// Time-dependent values, computed when read from the router's clock
// (Options.Now), so nothing runs in the background.

// counters are the traffic counters of one interface. They grow at a
// per-interface rate while it is running and never go backwards.
type counters struct {
	acc   [4]uint64 // rx-byte, tx-byte, rx-packet, tx-packet up to since
	since time.Time
	up    bool
	rate  uint64 // received bytes per second while running
}

func (c *counters) read(now time.Time) [4]uint64 {
	v := c.acc
	if c.up && now.After(c.since) {
		sec := now.Sub(c.since).Seconds()
		rx := uint64(sec * float64(c.rate))
		tx := uint64(sec * float64(c.rate/3+500))
		v[0] += rx
		v[1] += tx
		v[2] += rx / 900
		v[3] += tx / 600
	}
	return v
}

// fold banks what has been counted so far and switches the running state.
func (c *counters) fold(now time.Time, up bool) {
	c.acc = c.read(now)
	c.since, c.up = now, up
}

func interfaceDynamic(_ *state, it *item, now time.Time, put func(k, v string)) {
	v := it.ctr.read(now)
	put("rx-byte", strconv.FormatUint(v[0], 10))
	put("tx-byte", strconv.FormatUint(v[1], 10))
	put("rx-packet", strconv.FormatUint(v[2], 10))
	put("tx-packet", strconv.FormatUint(v[3], 10))
	for _, k := range []string{"rx-drop", "tx-drop", "tx-queue-drop", "rx-error", "tx-error"} {
		put(k, "0")
	}
	if _, ok := it.props["link-downs"]; !ok {
		put("link-downs", "0")
	}
}

// formatUptime renders d as RouterOS does: "1w2d3h4m5s", zero units left
// out, "0s" for nothing (samples/system_resource_print.json).
func formatUptime(d time.Duration) string {
	if d < time.Second {
		return "0s"
	}
	s := int64(d / time.Second)
	var b strings.Builder
	for _, u := range []struct {
		n    int64
		unit string
	}{{7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if q := s / u.n; q > 0 {
			b.WriteString(strconv.FormatInt(q, 10))
			b.WriteString(u.unit)
			s -= q * u.n
		}
	}
	return b.String()
}

// wobble is a small deterministic variation for a moment: the same router
// at the same second reads the same value.
func wobble(s *state, what string, now time.Time, n uint32) uint32 {
	return fnv32(what, s.dev.serial, strconv.FormatInt(now.Unix()/5, 10)) % n
}

func resourceDynamic(s *state, it *item, now time.Time, put func(k, v string)) {
	put("uptime", formatUptime(now.Sub(s.start)))
	put("cpu-load", strconv.Itoa(1+int(wobble(s, "cpu", now, 12))))
	total, _ := strconv.ParseInt(it.props["total-memory"], 10, 64)
	free := total*62/100 + int64(wobble(s, "mem", now, 512))*4096
	put("free-memory", strconv.FormatInt(free, 10))
}

func clockDynamic(s *state, it *item, now time.Time, put func(k, v string)) {
	loc := time.UTC
	if name := it.props["time-zone-name"]; name != "" && name != "manual" {
		if l, err := time.LoadLocation(name); err == nil {
			loc = l
		}
	}
	t := now.In(loc)
	put("time", t.Format("15:04:05"))
	if s.dev.isoDates() {
		put("date", t.Format("2006-01-02"))
	} else {
		put("date", strings.ToLower(t.Format("Jan"))+t.Format("/02/2006"))
	}
	put("gmt-offset", t.Format("-07:00"))
	put("dst-active", boolStr(t.IsDST()))
}
