package routeros

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Command is one RouterOS API command: a command word and its arguments.
// Every part is checked before it is encoded, so no value can become API
// syntax: a value is always the tail of one "=name=value" word, names and
// paths are restricted to RouterOS's own alphabet, and query words are built
// from typed conditions (REPORT.md §1.4).
type Command struct {
	// Path is the command word in API form: "/ip/address/print".
	Path string
	// Args are attribute words, written as "=Name=Value" in order.
	Args []Arg
	// Proplist limits the properties returned by print (".proplist").
	Proplist []string
	// Where holds query conditions for print, evaluated in order; they are
	// ANDed unless Ops says otherwise.
	Where []Cond
	// Ops is an optional "?#" operation string over the Where stack, e.g. "|"
	// (REPORT.md §1.4). Only digits and the characters "!&|." are allowed.
	Ops string
}

// Arg is one attribute of a command.
type Arg struct {
	Name  string
	Value string
}

// CondOp is a query operator.
type CondOp int

// Query operators (REPORT.md §1.4 "Query word").
const (
	CondEq     CondOp = iota // ?name=value
	CondLess                 // ?<name=value
	CondMore                 // ?>name=value
	CondHas                  // ?name
	CondHasNot               // ?-name
)

// Cond is one query condition of a print.
type Cond struct {
	Name  string
	Op    CondOp
	Value string
}

// Print returns a print command for menu ("/ip/address") limited to the given
// properties (none: all).
func Print(menu string, proplist ...string) Command {
	return Command{Path: menu + "/print", Proplist: proplist}
}

// String returns the command word, for logs and errors. Argument values are
// left out: they may be secrets.
func (c Command) String() string { return c.Path }

// words encodes the command, after validating it, as API words. tag, when
// non-empty, is added as ".tag=".
func (c Command) words(tag string) ([]string, error) {
	if err := checkPath(c.Path); err != nil {
		return nil, err
	}
	w := make([]string, 0, 2+len(c.Args)+len(c.Where))
	w = append(w, c.Path)
	for _, a := range c.Args {
		if err := checkName(a.Name); err != nil {
			return nil, fmt.Errorf("%s: argument: %w", c.Path, err)
		}
		if err := checkValue(a.Value); err != nil {
			return nil, fmt.Errorf("%s: argument %s: %w", c.Path, a.Name, err)
		}
		w = append(w, "="+a.Name+"="+a.Value)
	}
	if len(c.Proplist) > 0 {
		for _, p := range c.Proplist {
			if err := checkName(p); err != nil {
				return nil, fmt.Errorf("%s: .proplist: %w", c.Path, err)
			}
		}
		w = append(w, "=.proplist="+strings.Join(c.Proplist, ","))
	}
	for _, q := range c.Where {
		if err := checkName(q.Name); err != nil {
			return nil, fmt.Errorf("%s: query: %w", c.Path, err)
		}
		if err := checkValue(q.Value); err != nil {
			return nil, fmt.Errorf("%s: query %s: %w", c.Path, q.Name, err)
		}
		switch q.Op {
		case CondEq:
			w = append(w, "?="+q.Name+"="+q.Value)
		case CondLess:
			w = append(w, "?<"+q.Name+"="+q.Value)
		case CondMore:
			w = append(w, "?>"+q.Name+"="+q.Value)
		case CondHas:
			w = append(w, "?"+q.Name)
		case CondHasNot:
			w = append(w, "?-"+q.Name)
		default:
			return nil, fmt.Errorf("%s: query %s: unknown operator %d", c.Path, q.Name, q.Op)
		}
	}
	if c.Ops != "" {
		for _, r := range c.Ops {
			if !(r >= '0' && r <= '9' || strings.ContainsRune("!&|.", r)) {
				return nil, fmt.Errorf("%s: query operations %q: only digits and !&|. allowed", c.Path, c.Ops)
			}
		}
		w = append(w, "?#"+c.Ops)
	}
	if tag != "" {
		w = append(w, ".tag="+tag)
	}
	return w, nil
}

// checkPath accepts "/seg/seg" with segments of lower-case letters, digits and
// "-" (RouterOS menu and command names).
func checkPath(p string) error {
	if len(p) < 2 || p[0] != '/' || p[len(p)-1] == '/' {
		return fmt.Errorf("invalid command path %q", p)
	}
	prev := byte('/')
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && prev != '/':
		case c == '/' && prev != '/':
		default:
			return fmt.Errorf("invalid command path %q", p)
		}
		prev = c
	}
	return nil
}

// checkName accepts property names: lower-case letters, digits, "-", "_" and
// "." (v7 wifi uses "configuration.ssid"; ".id" starts with a dot), at most
// 64 bytes, never containing "=".
func checkName(n string) error {
	if n == "" || len(n) > 64 {
		return fmt.Errorf("invalid property name %q", n)
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("invalid property name %q", n)
		}
	}
	return nil
}

// MaxValueLen bounds one argument value (bytes). RouterOS scripts and
// certificates are the longest legitimate values.
const MaxValueLen = 64 << 10

// checkValue rejects values RouterOS could not store as given: NUL (C strings
// would truncate there), invalid UTF-8, and over-long values.
func checkValue(v string) error {
	if len(v) > MaxValueLen {
		return fmt.Errorf("value of %d bytes exceeds %d", len(v), MaxValueLen)
	}
	if strings.IndexByte(v, 0) >= 0 {
		return fmt.Errorf("value contains a NUL byte")
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("value is not valid UTF-8")
	}
	return nil
}
