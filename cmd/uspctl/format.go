package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/uspbridge/uspbridge/usp/controller"
)

// pathFailure prints one per-path USP error to stderr, naming the path once
// (the agent's message usually names it already).
func pathFailure(stderr io.Writer, path string, err error) {
	if msg := err.Error(); strings.Contains(msg, path) {
		fmt.Fprintf(stderr, "uspctl: %s\n", msg)
		return
	}
	fmt.Fprintf(stderr, "uspctl: %s: %v\n", path, err)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printGet prints "full.path = value" lines, objects in the Agent's order and
// parameters sorted, quoting values only when they would be ambiguous.
func printGet(stdout, stderr io.Writer, res []controller.GetResult, asJSON bool) (bool, error) {
	ok := true
	for _, r := range res {
		if err := r.Err(); err != nil {
			ok = false
			pathFailure(stderr, r.RequestedPath, err)
		}
	}
	if asJSON {
		return ok, writeJSON(stdout, res)
	}
	for _, r := range res {
		for _, o := range r.Resolved {
			for _, p := range o.Params {
				fmt.Fprintf(stdout, "%s%s = %s\n", o.Path, p.Name, showValue(p.Value))
			}
		}
	}
	return ok, nil
}

// showValue prints a value as is unless it is empty or has leading or
// trailing spaces, newlines or quotes, which are shown Go-quoted.
func showValue(v string) string {
	if v == "" || strings.TrimSpace(v) != v || strings.ContainsAny(v, "\"\n\r\t") {
		return strconv.Quote(v)
	}
	return v
}

// printInstances prints one instance per line with its unique keys.
func printInstances(stdout, stderr io.Writer, res []controller.InstancesResult, asJSON bool) (bool, error) {
	ok := true
	for _, r := range res {
		if err := r.Err(); err != nil {
			ok = false
			pathFailure(stderr, r.RequestedPath, err)
		}
	}
	if asJSON {
		return ok, writeJSON(stdout, res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, r := range res {
		for _, in := range r.Instances {
			keys := make([]string, 0, len(in.UniqueKeys))
			for _, k := range in.UniqueKeys {
				keys = append(keys, k.Name+"="+strconv.Quote(k.Value))
			}
			fmt.Fprintf(tw, "%s\t%s\n", in.Path, strings.Join(keys, " "))
		}
	}
	return ok, tw.Flush()
}

// printSupportedDM prints each object, indented by its depth below the first
// one, followed by its parameters, commands and events.
func printSupportedDM(stdout, stderr io.Writer, res []controller.SupportedDMResult, asJSON bool) (bool, error) {
	ok := true
	for _, r := range res {
		if err := r.Err(); err != nil {
			ok = false
			pathFailure(stderr, r.RequestedPath, err)
		}
	}
	if asJSON {
		return ok, writeJSON(stdout, res)
	}
	for _, r := range res {
		if len(r.Objects) == 0 {
			continue
		}
		base := depth(r.Objects[0].Path)
		for _, o := range r.Objects {
			indent := strings.Repeat("  ", max(0, depth(o.Path)-base))
			fmt.Fprintf(stdout, "%s%s  %s\n", indent, o.Path, describeObject(o))
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			for _, p := range o.Params {
				vc := ""
				if p.ValueChange == "willIgnore" {
					vc = "\tvalue changes not notified"
				}
				fmt.Fprintf(tw, "%s    %s\t%s\t%s%s\n", indent, p.Name, p.Type, p.Access, vc)
			}
			for _, c := range o.Commands {
				fmt.Fprintf(tw, "%s    %s\tcommand\t%s%s\n", indent, c.Name, c.Type, args(" in: ", c.Inputs)+args(" out: ", c.Outputs))
			}
			for _, e := range o.Events {
				fmt.Fprintf(tw, "%s    %s\tevent\t%s\n", indent, e.Name, args("args: ", e.Args))
			}
			if err := tw.Flush(); err != nil {
				return ok, err
			}
		}
	}
	return ok, nil
}

func describeObject(o controller.SupportedObject) string {
	var parts []string
	if o.MultiInstance {
		parts = append(parts, "table, "+o.Access)
	} else {
		parts = append(parts, "object")
	}
	if len(o.UniqueKeySets) > 0 {
		keys := make([]string, len(o.UniqueKeySets))
		for i, k := range o.UniqueKeySets {
			keys[i] = strings.Join(k, "+")
		}
		parts = append(parts, "unique keys: "+strings.Join(keys, ", "))
	}
	if len(o.DivergentPaths) > 0 {
		parts = append(parts, "divergent: "+strings.Join(o.DivergentPaths, ", "))
	}
	return "(" + strings.Join(parts, "; ") + ")"
}

func args(label string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	return label + strings.Join(names, ", ")
}

// depth counts the object levels of a supported path: "Device." is 1,
// "Device.IP.Interface.{i}." is 3.
func depth(path string) int {
	n := 0
	for _, s := range strings.Split(strings.TrimSuffix(path, "."), ".") {
		if s != "{i}" {
			n++
		}
	}
	return n
}

func printVersions(stdout io.Writer, versions string, asJSON bool) (bool, error) {
	if asJSON {
		return true, writeJSON(stdout, map[string]string{"agent_supported_protocol_versions": versions})
	}
	_, err := fmt.Fprintln(stdout, versions)
	return true, err
}
