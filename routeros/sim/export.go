package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RouterOS /export text: "# …" header comments, menu section lines
// ("/interface bridge"), and commands ("add …", "set [ find … ] …",
// "set 0 …", "set name=…"). Lines continue after a trailing "\" (anywhere,
// also inside a word or a quoted string; the next line's indentation is
// dropped). Quoted strings use "\" escapes: \" \\ \$ \? \_ (space) \r \n \t
// and \HH hex bytes. Files may use CRLF and lack a final newline.

// exportLine is one logical line: continuations joined, escapes kept.
type exportLine struct {
	no      int    // number of its first physical line
	text    string // as written, continuations removed
	comment bool   // a "#" comment line
}

// splitLines splits src into logical lines.
func splitLines(src []byte) []exportLine {
	var out []exportLine
	var cur []byte
	no, start := 1, 1
	atStart := true
	emit := func() {
		t := strings.TrimRight(string(cur), " \t\r")
		if t != "" {
			out = append(out, exportLine{no: start, text: t})
		}
		cur = cur[:0]
		atStart = true
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case atStart && (c == ' ' || c == '\t' || c == '\r'):
		case atStart && c == '#':
			j := i
			for j < len(src) && src[j] != '\n' {
				j++
			}
			out = append(out, exportLine{no: no, text: strings.TrimRight(string(src[i:j]), " \t\r"), comment: true})
			i = j
			no++
			start = no
		case c == '\\' && i+1 < len(src) && (src[i+1] == '\n' || (src[i+1] == '\r' && i+2 < len(src) && src[i+2] == '\n')):
			// Continuation: drop the line break and the next line's indent.
			i++
			if src[i] == '\r' {
				i++
			}
			no++
			for i+1 < len(src) && (src[i+1] == ' ' || src[i+1] == '\t') {
				i++
			}
		case c == '\\' && i+1 < len(src):
			cur = append(cur, c, src[i+1])
			i++
			atStart = false
		case c == '\n':
			emit()
			no++
			start = no
		default:
			cur = append(cur, c)
			atStart = false
		}
	}
	emit()
	return out
}

// token is one word of a command line.
type token struct {
	key   string // unescaped text before the first unquoted "=" (the word itself without one)
	val   string // unescaped value after it
	eq    bool   // had an unquoted "="
	neg   bool   // "!name": the property is unset
	group []token
	isGrp bool // a "[ … ]" expression
}

// tokenize splits a logical line into tokens; ok is false on an unbalanced
// quote or bracket.
func tokenize(text string) ([]token, bool) {
	var toks []token
	i := 0
	for i < len(text) {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
			i++
		}
		if i >= len(text) {
			break
		}
		if text[i] == '[' {
			end, ok := scanBracket(text, i)
			if !ok {
				return nil, false
			}
			inner, ok := tokenize(text[i+1 : end])
			if !ok {
				return nil, false
			}
			toks = append(toks, token{group: inner, isGrp: true})
			i = end + 1
			continue
		}
		j, eqAt, ok := scanWord(text, i)
		if !ok {
			return nil, false
		}
		raw := text[i:j]
		var t token
		if eqAt >= 0 {
			t = token{key: unescape(text[i:eqAt]), val: unescape(text[eqAt+1 : j]), eq: true}
		} else {
			t = token{key: unescape(raw)}
			if strings.HasPrefix(raw, "!") && len(raw) > 1 {
				t = token{key: unescape(raw[1:]), neg: true}
			}
		}
		toks = append(toks, t)
		i = j
	}
	return toks, true
}

// scanWord finds the end of the word at i (unquoted whitespace outside
// brackets) and its first unquoted "=".
func scanWord(text string, i int) (end, eqAt int, ok bool) {
	eqAt = -1
	inQuote, depth := false, 0
	for ; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth > 0:
		case c == ' ' || c == '\t':
			return i, eqAt, true
		case c == '=' && eqAt < 0:
			eqAt = i
		}
	}
	return len(text), eqAt, !inQuote && depth == 0
}

// scanBracket returns the index of the "]" closing the "[" at i.
func scanBracket(text string, i int) (int, bool) {
	inQuote, depth := false, 0
	for ; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth == 0 {
				return i, true
			}
		}
	}
	return 0, false
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

func hexVal(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'A' + 10
}

// unescape removes quotes and resolves escapes. Values are never evaluated:
// "$x" and "[…]" inside them stay text.
func unescape(raw string) string {
	if !strings.ContainsAny(raw, "\"\\") {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '"':
		case c == '\\' && i+1 < len(raw):
			i++
			n := raw[i]
			if i+1 < len(raw) && isHex(n) && isHex(raw[i+1]) {
				b.WriteByte(hexVal(n)<<4 | hexVal(raw[i+1]))
				i++
				continue
			}
			switch n {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'v':
				b.WriteByte('\v')
			case '_':
				b.WriteByte(' ')
			default:
				b.WriteByte(n) // \" \\ \$ \? and anything else: the character
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// LoadReport says how an export loaded. Lines the simulator does not
// understand (unknown menus, scripts, unsupported find expressions) are
// skipped and counted, never an error.
type LoadReport struct {
	Commands int      // command lines read (not comments or section lines)
	Applied  int      // commands applied
	Skipped  int      // commands skipped
	Examples []string // the first few skipped ones: "line N: reason: text"
}

const maxExamples = 5

// Warning is one summary line for a log, "" when nothing was skipped.
func (r LoadReport) Warning() string {
	if r.Skipped == 0 {
		return ""
	}
	return fmt.Sprintf("export: skipped %d of %d commands, e.g. %s", r.Skipped, r.Commands, strings.Join(r.Examples, " | "))
}

func (r *LoadReport) skip(l exportLine, reason string) {
	r.Skipped++
	if len(r.Examples) < maxExamples {
		text := l.text
		if len(text) > 80 {
			text = text[:77] + "..."
		}
		r.Examples = append(r.Examples, fmt.Sprintf("line %d: %s: %s", l.no, reason, text))
	}
}

// header is what the leading comments of an export say.
type header struct {
	when       time.Time
	version    string
	softwareID string
	model      string
	serial     string
	systemID   string
}

func parseHeader(lines []exportLine) header {
	var h header
	for _, l := range lines {
		if !l.comment {
			break
		}
		t := strings.TrimSpace(strings.TrimPrefix(l.text, "#"))
		if k, v, ok := strings.Cut(t, " = "); ok {
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "software id":
				h.softwareID = v
			case "model":
				h.model = v
			case "serial number":
				h.serial = v
			case "system id":
				h.systemID = v
			}
			continue
		}
		if when, ver, ok := strings.Cut(t, " by RouterOS "); ok {
			if f := strings.Fields(ver); len(f) > 0 {
				h.version = f[0]
			}
			h.when = parseExportTime(when)
		}
	}
	return h
}

// parseExportTime reads both header date forms: "2025-08-20 13:33:04"
// (7.10+) and "jan/29/2022 20:58:44".
func parseExportTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t
	}
	if len(s) > 0 {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if t, err := time.Parse("Jan/02/2006 15:04:05", s); err == nil {
		return t
	}
	return time.Time{}
}

// loader applies export commands to a state.
type loader struct {
	s    *state
	rep  *LoadReport
	menu *menu
	path string
}

func (l *loader) line(ln exportLine) {
	toks, ok := tokenize(ln.text)
	if !ok || len(toks) == 0 {
		l.rep.Commands++
		l.rep.skip(ln, "unbalanced quote or bracket")
		return
	}
	if first := toks[0]; !first.isGrp && !first.eq && strings.HasPrefix(first.key, "/") {
		var words []string
		i := 0
		for ; i < len(toks); i++ {
			t := toks[i]
			if t.isGrp || t.eq || t.neg || (i > 0 && exportVerb(t.key)) {
				break
			}
			words = append(words, strings.Split(strings.Trim(t.key, "/"), "/")...)
		}
		l.path = "/" + strings.Join(words, "/")
		l.menu = l.s.menu(l.path)
		if i == len(toks) {
			return
		}
		toks = toks[i:]
	}
	l.rep.Commands++
	if l.menu == nil {
		l.rep.skip(ln, "unknown menu "+l.path)
		return
	}
	verb := toks[0]
	if verb.isGrp || verb.eq || !exportVerb(verb.key) {
		l.rep.skip(ln, "not a command")
		return
	}
	if reason := l.apply(verb.key, toks[1:]); reason != "" {
		l.rep.skip(ln, reason)
		return
	}
	l.rep.Applied++
}

func exportVerb(w string) bool {
	switch w {
	case "add", "set", "remove", "enable", "disable":
		return true
	}
	return false
}

// args turns tokens into assignments. "name" alone is a flag (yes), "!name"
// unsets, and ".x=v" after "prefix.y=…" means "prefix.x=v" (the v7 wifi
// shorthand: channel.band=… .width=…).
func args(toks []token) (set []kv, unset []string, ok bool) {
	prefix := ""
	for _, t := range toks {
		switch {
		case t.isGrp:
			return nil, nil, false
		case t.neg:
			unset = append(unset, t.key)
		case !t.eq:
			set = append(set, kv{t.key, "yes"})
		default:
			k := t.key
			if strings.HasPrefix(k, ".") && prefix != "" {
				k = prefix + k[1:]
			}
			if i := strings.LastIndexByte(k, '.'); i > 0 {
				prefix = k[:i+1]
			}
			set = append(set, kv{k, t.val})
		}
	}
	return set, unset, true
}

// apply runs one command on the current menu and returns why it was
// skipped, or "".
func (l *loader) apply(verb string, toks []token) string {
	s, m := l.s, l.menu
	if verb == "add" {
		set, unset, ok := args(toks)
		if !ok {
			return "unexpected expression"
		}
		if m.verbs&vAdd == 0 {
			return "add not supported on " + m.path
		}
		it, err := s.add(m, set)
		if err != nil {
			return err.Error()
		}
		for _, k := range unset {
			delete(it.props, k)
		}
		return ""
	}
	targets, rest, reason := l.selector(toks, verb == "set")
	if reason != "" {
		return reason
	}
	switch verb {
	case "set":
		set, unset, ok := args(rest)
		if !ok {
			return "unexpected expression"
		}
		for _, it := range targets {
			if err := s.set(m, it, set); err != nil {
				return err.Error()
			}
			for _, k := range unset {
				delete(it.props, k)
			}
		}
	case "remove":
		for _, it := range targets {
			if err := s.remove(m, it); err != nil {
				return err.Error()
			}
		}
	case "enable", "disable":
		v := boolStr(verb == "disable")
		for _, it := range targets {
			if err := s.set(m, it, []kv{{"disabled", v}}); err != nil {
				return err.Error()
			}
		}
	}
	return ""
}

// selector resolves the items a set/remove/enable/disable names: a
// "[ find k=v … ]" expression, an item number, a name, or nothing on a
// singleton. Ports named by "find default-name=X" are created if unknown.
func (l *loader) selector(toks []token, isSet bool) ([]*item, []token, string) {
	s, m := l.s, l.menu
	if m.single {
		if len(toks) > 0 && (toks[0].isGrp || (!toks[0].eq && !toks[0].neg && !isSet)) {
			return nil, nil, "item selector on a singleton"
		}
		return []*item{s.singleton(m)}, toks, ""
	}
	if len(toks) == 0 {
		return nil, nil, "no item given"
	}
	t := toks[0]
	switch {
	case t.isGrp:
		conds, ok := findConditions(t.group)
		if !ok {
			return nil, nil, "unsupported find expression"
		}
		var out []*item
		for _, it := range s.list(m) {
			if matchConds(m, it, conds) {
				out = append(out, it)
			}
		}
		if len(out) == 0 {
			if len(conds) == 1 && conds[0].k == "default-name" && portView(m) {
				out = append(out, l.s.addPort(conds[0].v, m.ifType))
			} else {
				return nil, nil, "no item matches"
			}
		}
		return out, toks[1:], ""
	case !t.eq && !t.neg:
		if n, err := strconv.Atoi(t.key); err == nil {
			list := s.list(m)
			if n < 0 || n >= len(list) {
				return nil, nil, "no item " + t.key
			}
			return []*item{list[n]}, toks[1:], ""
		}
		if it := s.find(m, t.key); it != nil {
			return []*item{it}, toks[1:], ""
		}
		return nil, nil, "no item " + t.key
	}
	return nil, nil, "no item given"
}

// findConditions reads "find [where] k=v …" (all must hold).
func findConditions(toks []token) ([]kv, bool) {
	if len(toks) == 0 || toks[0].eq || toks[0].key != "find" {
		return nil, false
	}
	toks = toks[1:]
	if len(toks) > 0 && !toks[0].eq && toks[0].key == "where" {
		toks = toks[1:]
	}
	var conds []kv
	for _, t := range toks {
		if !t.eq || t.isGrp || t.neg {
			return nil, false
		}
		conds = append(conds, kv{t.key, t.val})
	}
	return conds, true
}

func matchConds(m *menu, it *item, conds []kv) bool {
	for _, c := range conds {
		v, want := it.props[c.k], c.v
		if p := m.prop(c.k); p != nil && p.kind == kindBool {
			want, _ = normBool(want)
		}
		if v != want {
			return false
		}
	}
	return true
}

// portView reports whether m lists physical ports that exports configure
// with "set [ find default-name=X ]".
func portView(m *menu) bool {
	switch m.ifType {
	case "ether", "wifi", "wlan", "lte":
		return true
	}
	return false
}
