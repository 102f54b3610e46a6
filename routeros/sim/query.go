package sim

import (
	"strconv"
	"strings"
)

// Query words of print (MikroTik "API" manual, Queries; REPORT.md §1.4): a
// stack machine over booleans evaluated per item. The stack starts with an
// infinite number of true values; an item passes when no false remains.

type queryOp uint8

const (
	qHas queryOp = iota
	qHasNot
	qEq
	qLess
	qGreater
	qOps
)

type queryWord struct {
	op    queryOp
	name  string
	value string // qEq/qLess/qGreater: operand; qOps: the operation string
}

// parseQuery parses one "?…" word.
func parseQuery(w string) (queryWord, bool) {
	if len(w) < 2 || w[0] != '?' {
		return queryWord{}, false
	}
	body := w[1:]
	switch body[0] {
	case '#':
		return queryWord{op: qOps, value: body[1:]}, true
	case '-':
		return queryWord{op: qHasNot, name: body[1:]}, true
	case '<', '>', '=':
		op := qEq
		switch body[0] {
		case '<':
			op = qLess
		case '>':
			op = qGreater
		}
		name, value, ok := strings.Cut(body[1:], "=")
		if !ok {
			return queryWord{}, false
		}
		return queryWord{op: op, name: name, value: value}, true
	}
	if name, value, ok := strings.Cut(body, "="); ok {
		return queryWord{op: qEq, name: name, value: value}, true
	}
	return queryWord{op: qHas, name: body}, true
}

// boolStack is the query stack; popping past the bottom yields true.
type boolStack []bool

func (s *boolStack) push(b bool) { *s = append(*s, b) }

func (s *boolStack) pop() bool {
	n := len(*s)
	if n == 0 {
		return true
	}
	b := (*s)[n-1]
	*s = (*s)[:n-1]
	return b
}

// at returns the value at index i from the top (0 = top).
func (s boolStack) at(i int) bool {
	if i >= len(s) {
		return true
	}
	return s[len(s)-1-i]
}

// compare orders two property values: numerically when both are integers
// (or both *ids), else as strings.
func compare(a, b string) int {
	if x, err := strconv.ParseInt(a, 10, 64); err == nil {
		if y, err := strconv.ParseInt(b, 10, 64); err == nil {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	if x, ok := parseID(a); ok {
		if y, ok := parseID(b); ok {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	return strings.Compare(a, b)
}

// matchQuery evaluates words against one projected record.
func matchQuery(words []queryWord, rec []attr) bool {
	if len(words) == 0 {
		return true
	}
	get := func(k string) (string, bool) {
		for _, a := range rec {
			if a.k == k {
				return a.v, true
			}
		}
		return "", false
	}
	var st boolStack
	for _, w := range words {
		switch w.op {
		case qHas:
			_, ok := get(w.name)
			st.push(ok)
		case qHasNot:
			_, ok := get(w.name)
			st.push(!ok)
		case qEq:
			v, ok := get(w.name)
			st.push(ok && v == w.value)
		case qLess:
			v, ok := get(w.name)
			st.push(ok && compare(v, w.value) < 0)
		case qGreater:
			v, ok := get(w.name)
			st.push(ok && compare(v, w.value) > 0)
		case qOps:
			st = applyOps(st, w.value)
		}
	}
	for _, b := range st {
		if !b {
			return false
		}
	}
	return true
}

// applyOps runs a "?#" operation string left to right: a run of digits is a
// stack index (top = 0) that pushes a copy of that value when a character
// follows, or replaces the whole stack with it at the end of the word; "!"
// negates the top, "&" and "|" combine the top two, "." after an index does
// nothing and after anything else duplicates the top.
func applyOps(st boolStack, ops string) boolStack {
	afterIndex := false
	for i := 0; i < len(ops); {
		c := ops[i]
		if c >= '0' && c <= '9' {
			j := i
			for j < len(ops) && ops[j] >= '0' && ops[j] <= '9' {
				j++
			}
			idx, err := strconv.Atoi(ops[i:j])
			if err != nil {
				idx = 1 << 30 // beyond the bottom: true
			}
			v := st.at(idx)
			if j == len(ops) {
				return boolStack{v}
			}
			st.push(v)
			afterIndex = true
			i = j
			continue
		}
		switch c {
		case '!':
			st.push(!st.pop())
		case '&':
			a, b := st.pop(), st.pop()
			st.push(a && b)
		case '|':
			a, b := st.pop(), st.pop()
			st.push(a || b)
		case '.':
			if !afterIndex {
				v := st.pop()
				st.push(v)
				st.push(v)
			}
		}
		afterIndex = false
		i++
	}
	return st
}
