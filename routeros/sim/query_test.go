package sim

import (
	"reflect"
	"testing"
	"time"
)

func TestQuery(t *testing.T) {
	recs := map[string][]attr{
		"ether1": {{"name", "ether1"}, {"type", "ether"}, {"mtu", "1500"}, {"comment", "WAN"}},
		"ether2": {{"name", "ether2"}, {"type", "ether"}, {"mtu", "9000"}},
		"vlan10": {{"name", "vlan10"}, {"type", "vlan"}, {"mtu", "1500"}, {"comment", ""}},
		"bridge": {{"name", "bridge"}, {"type", "bridge"}, {"mtu", "auto"}},
	}
	order := []string{"ether1", "ether2", "vlan10", "bridge"}
	for _, tc := range []struct {
		name  string
		words []string
		want  []string
	}{
		{"no query", nil, order},
		{"equals", []string{"?type=ether"}, []string{"ether1", "ether2"}},
		{"equals, = form", []string{"?=type=vlan"}, []string{"vlan10"}},
		{"and by default", []string{"?type=ether", "?mtu=1500"}, []string{"ether1"}},
		{"or (manual example)", []string{"?type=ether", "?type=vlan", "?#|"}, []string{"ether1", "ether2", "vlan10"}},
		{"nor (manual example)", []string{"?type=ether", "?type=vlan", "?#|!"}, []string{"bridge"}},
		{"has", []string{"?comment"}, []string{"ether1", "vlan10"}},
		{"has not", []string{"?-comment"}, []string{"ether2", "bridge"}},
		{"non-empty comment (manual example)", []string{"?>comment="}, []string{"ether1"}},
		{"numeric less", []string{"?<mtu=2000"}, []string{"ether1", "vlan10"}},
		{"numeric greater", []string{"?>mtu=1500"}, []string{"ether2", "bridge"}}, // "auto" > "1500" as text
		{"and op", []string{"?type=ether", "?comment", "?#&"}, []string{"ether1"}},
		{"index copy then or", []string{"?type=vlan", "?type=bridge", "?#1|"}, []string{"vlan10"}},
		{"index at end replaces stack", []string{"?type=ether", "?type=vlan", "?#1"}, []string{"ether1", "ether2"}},
		{"dot duplicates", []string{"?type=vlan", "?#.|"}, []string{"vlan10"}},
		{"dot after index is nop", []string{"?type=vlan", "?type=ether", "?#0.&|"}, []string{"ether1", "ether2", "vlan10"}},
		{"negate", []string{"?type=ether", "?#!"}, []string{"vlan10", "bridge"}},
		{"or past the bottom is true", []string{"?type=vlan", "?#|"}, order},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var qs []queryWord
			for _, w := range tc.words {
				q, ok := parseQuery(w)
				if !ok {
					t.Fatalf("parse %q", w)
				}
				qs = append(qs, q)
			}
			got := []string{}
			for _, name := range order {
				if matchQuery(qs, recs[name]) {
					got = append(got, name)
				}
			}
			if tc.want == nil {
				tc.want = []string{}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUptimeFormat(t *testing.T) {
	for d, want := range map[int64]string{
		0:                                "0s",
		5:                                "5s",
		3600:                             "1h",
		7*86400 + 2*86400 + 3*3600 + 245: "1w2d3h4m5s",
	} {
		if got := formatUptime(time.Duration(d) * time.Second); got != want {
			t.Errorf("%d s: %q, want %q", d, got, want)
		}
	}
}
