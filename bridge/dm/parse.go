package dm

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on parsed paths, so that hostile input costs little. TR-369 sets no
// limits; real paths are a few hundred bytes at most.
const (
	MaxPathLen    = 8 << 10 // bytes in a path
	MaxSegments   = 256     // segments in a path, or in one expression parameter
	MaxConditions = 64      // conditions in one [...] expression
)

// ParsePath parses an instantiated or supported data model path (TR-369
// §2.5 "Path Names" and its grammar): "Device." then dot-separated names,
// instance numbers, "*", "{i}" or "[expr]" instance identifiers, reference
// following ("Interface+", "LowerLayers#2+", "LowerLayers#*+"), and an ending
// that sets the Kind: "." (object), a name (parameter), "Name()" (command)
// or "Name!" (event). Whitespace is tolerated around operators and "&&"
// inside "[...]" (R-ARC.9a). Errors are *Error of KindInvalidPathSyntax.
func ParsePath(s string) (Path, error) {
	if err := checkInput(s); err != nil {
		return Path{}, err
	}
	p := parser{s: s}
	return p.path(false)
}

// MustParsePath is ParsePath for paths written in the source (schemas,
// tests); it panics on error.
func MustParsePath(s string) Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ParseReference parses the value of a TR-181 reference parameter, an
// instantiated path that may omit the trailing "." of an object instance
// (TR-369 §2.6.1, "Device.IP.Interface.1") and may use unique-key addressing
// (R-ARC.11, `Device.IP.Interface.[Name=="eth0"]`). It rejects wildcards,
// "{i}", reference following, commands and events. A path ending in a name is
// returned as PathParam; only the schema can tell whether it names an object.
func ParseReference(s string) (Path, error) {
	if err := checkInput(s); err != nil {
		return Path{}, err
	}
	p := parser{s: s}
	return p.path(true)
}

// ParseRelative parses the parameter path of a search-expression condition
// (TR-369 §2.5.4 "relpath"): names joined by ".", each but the last
// optionally followed by reference following. Instance identifiers are not
// allowed: an expression parameter cannot descend into a child table.
func ParseRelative(s string) ([]Segment, error) {
	if err := checkInput(s); err != nil {
		return nil, err
	}
	p := parser{s: s}
	segs, err := p.relPath()
	if err != nil {
		return nil, err
	}
	if p.pos != len(s) {
		return nil, p.unexpected(p.pos)
	}
	return segs, nil
}

func checkInput(s string) error {
	if s == "" {
		return &Error{Kind: KindInvalidPathSyntax, Msg: `invalid path "": empty`}
	}
	if len(s) > MaxPathLen {
		return &Error{Kind: KindInvalidPathSyntax, Path: clip(s),
			Msg: fmt.Sprintf("invalid path %s: longer than %d bytes", quoteClip(s), MaxPathLen)}
	}
	return nil
}

// parser is a cursor over one input string.
type parser struct {
	s   string
	pos int
}

func (p *parser) errf(off int, format string, args ...any) error {
	return &Error{Kind: KindInvalidPathSyntax, Path: clip(p.s),
		Msg: fmt.Sprintf("invalid path %s: %s at offset %d", quoteClip(p.s), fmt.Sprintf(format, args...), off)}
}

func (p *parser) unexpected(off int) error {
	if off >= len(p.s) {
		return p.errf(off, "unexpected end")
	}
	r, _ := utf8.DecodeRuneInString(p.s[off:])
	if r == utf8.RuneError {
		return p.errf(off, "unexpected byte %#02x", p.s[off])
	}
	return p.errf(off, "unexpected character %q", r)
}

func (p *parser) path(ref bool) (Path, error) {
	segs := make([]Segment, 0, min(strings.Count(p.s, ".")+1, MaxSegments))
	for {
		start := p.pos
		seg, err := p.segment()
		if err != nil {
			return Path{}, err
		}
		if err := p.place(segs, seg, start, ref); err != nil {
			return Path{}, err
		}
		segs = append(segs, seg)

		if p.pos == len(p.s) { // no terminator
			switch {
			case len(segs) == 1:
				return Path{}, p.errf(p.pos, `"Device" must be followed by "."`)
			case seg.Ref != nil:
				return Path{}, p.errf(p.pos, `reference following must be followed by "." and a name`)
			case seg.Kind == SegName:
				return Path{Segments: segs, Kind: PathParam}, nil
			case ref:
				return Path{Segments: segs, Kind: PathObject}, nil
			default:
				return Path{}, p.errf(p.pos, `instance identifier must be followed by "."`)
			}
		}
		switch c := p.s[p.pos]; c {
		case '.':
			p.pos++
			if p.pos == len(p.s) {
				return Path{Segments: segs, Kind: PathObject}, nil
			}
		case '(', '!':
			kind, suffix, what := PathCommand, "()", "command"
			if c == '!' {
				kind, suffix, what = PathEvent, "!", "event"
			}
			if seg.Kind != SegName || seg.Ref != nil || len(segs) == 1 || ref {
				return Path{}, p.unexpected(p.pos)
			}
			if !strings.HasPrefix(p.s[p.pos:], suffix) {
				return Path{}, p.errf(p.pos, "expected %q after %s name", suffix, what)
			}
			if end := p.pos + len(suffix); end != len(p.s) {
				return Path{}, p.errf(end, "unexpected text after %s name", what)
			}
			return Path{Segments: segs, Kind: kind}, nil
		default:
			return Path{}, p.unexpected(p.pos)
		}
	}
}

// place checks where seg may stand (TR-369 §2.5 grammar: the path starts with
// "Device"; an instance identifier follows a table name; after reference
// following comes a name).
func (p *parser) place(segs []Segment, seg Segment, start int, ref bool) error {
	if len(segs) == 0 {
		if seg.Kind != SegName || seg.Name != "Device" || seg.Ref != nil {
			return p.errf(0, `path must start with "Device."`)
		}
		return nil
	}
	if len(segs) >= MaxSegments {
		return p.errf(start, "more than %d segments", MaxSegments)
	}
	prev := segs[len(segs)-1]
	if seg.Kind != SegName && (len(segs) == 1 || prev.Kind != SegName || prev.Ref != nil) {
		return p.errf(start, "instance identifier %s must follow a table name", clip(seg.String()))
	}
	if ref {
		switch {
		case seg.Kind == SegWildcard || seg.Kind == SegPlaceholder:
			return p.errf(start, "%s is not allowed in a reference", seg.String())
		case seg.Ref != nil:
			return p.errf(start, "reference following is not allowed in a reference")
		}
	}
	return nil
}

func (p *parser) segment() (Segment, error) {
	start := p.pos
	c := p.s[start]
	switch {
	case c == '.':
		return Segment{}, p.errf(start, "empty segment")
	case c == '*':
		p.pos++
		return Segment{Kind: SegWildcard}, nil
	case c == '{':
		if !strings.HasPrefix(p.s[start:], "{i}") {
			return Segment{}, p.errf(start, `expected "{i}"`)
		}
		p.pos += 3
		return Segment{Kind: SegPlaceholder}, nil
	case c == '[':
		conds, err := p.expr()
		if err != nil {
			return Segment{}, err
		}
		return Segment{Kind: SegSearch, Expr: conds}, nil
	case isDigit(c):
		n, err := p.posnum("instance number")
		if err != nil {
			return Segment{}, err
		}
		return Segment{Kind: SegInstance, Instance: n}, nil
	case isNameStart(c):
		name := p.name()
		ref, err := p.refFollow()
		if err != nil {
			return Segment{}, err
		}
		return Segment{Kind: SegName, Name: name, Ref: ref}, nil
	default:
		return Segment{}, p.unexpected(start)
	}
}

// name consumes a TR-106 name: a letter or "_", then letters, digits, "_"
// or "-". The caller has checked the first byte.
func (p *parser) name() string {
	start := p.pos
	p.pos++
	for p.pos < len(p.s) && isNameChar(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

// posnum consumes a positive decimal number without sign or leading zeros
// (TR-369 "posnum"), as used for instance numbers and list indexes.
func (p *parser) posnum(what string) (int, error) {
	start := p.pos
	for p.pos < len(p.s) && isNameChar(p.s[p.pos]) {
		p.pos++
	}
	word := p.s[start:p.pos]
	for i := 0; i < len(word); i++ {
		if !isDigit(word[i]) {
			if isDigit(word[0]) && what == "instance number" {
				return 0, p.errf(start, "invalid name %q: names start with a letter or \"_\"", word)
			}
			return 0, p.errf(start+i, "invalid %s %q", what, word)
		}
	}
	switch {
	case word == "":
		return 0, p.errf(start, "expected a %s", what)
	case word == "0":
		return 0, p.errf(start, "%s must be 1 or more", what)
	case word[0] == '0':
		return 0, p.errf(start, "%s %q has a leading zero", what, word)
	}
	n, err := strconv.ParseUint(word, 10, 32)
	if err != nil || n > uint64(maxInt) {
		return 0, p.errf(start, "%s %s is too large", what, word)
	}
	return int(n), nil
}

const maxInt = int(^uint(0) >> 1)

// refFollow consumes an optional "+", "#n+" or "#*+" (TR-369 §2.6.1).
func (p *parser) refFollow() (*RefFollow, error) {
	if p.pos >= len(p.s) {
		return nil, nil
	}
	switch p.s[p.pos] {
	case '+':
		p.pos++
		return &RefFollow{}, nil
	case '#':
		p.pos++
		idx := -1
		if p.pos < len(p.s) && p.s[p.pos] == '*' {
			p.pos++
		} else {
			n, err := p.posnum("list item number")
			if err != nil {
				return nil, err
			}
			idx = n
		}
		if p.pos >= len(p.s) || p.s[p.pos] != '+' {
			return nil, p.errf(p.pos, `expected "+" after list item number`)
		}
		p.pos++
		return &RefFollow{Index: idx}, nil
	}
	return nil, nil
}

// expr consumes "[cond && cond ...]". Unique-key addressing (TR-369
// §2.5.2.2) and search expressions (§2.5.4) share this syntax.
func (p *parser) expr() ([]Cond, error) {
	open := p.pos
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		return nil, p.errf(open, "empty search expression")
	}
	var conds []Cond
	for {
		if len(conds) == MaxConditions {
			return nil, p.errf(p.pos, "more than %d conditions", MaxConditions)
		}
		p.skipSpace()
		param, err := p.relPath()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		op, err := p.op()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		val, quoted, err := p.value()
		if err != nil {
			return nil, err
		}
		conds = append(conds, Cond{Param: param, Op: op, Value: val, Quoted: quoted})
		p.skipSpace()
		switch {
		case p.pos >= len(p.s):
			return nil, p.errf(open, "unterminated search expression")
		case p.s[p.pos] == ']':
			p.pos++
			return conds, nil
		case strings.HasPrefix(p.s[p.pos:], "&&"):
			p.pos += 2
		default:
			return nil, p.errf(p.pos, `expected "&&" or "]"`)
		}
	}
}

// relPath consumes an expression parameter (TR-369 "relpath").
func (p *parser) relPath() ([]Segment, error) {
	var segs []Segment
	for {
		if p.pos >= len(p.s) || !isNameStart(p.s[p.pos]) {
			if p.pos < len(p.s) && (isDigit(p.s[p.pos]) || p.s[p.pos] == '*' || p.s[p.pos] == '[' || p.s[p.pos] == '{') {
				return nil, p.errf(p.pos, "instance identifiers are not allowed in a search expression parameter")
			}
			return nil, p.errf(p.pos, "expected a parameter name")
		}
		if len(segs) == MaxSegments {
			return nil, p.errf(p.pos, "more than %d segments", MaxSegments)
		}
		name := p.name()
		ref, err := p.refFollow()
		if err != nil {
			return nil, err
		}
		segs = append(segs, Segment{Kind: SegName, Name: name, Ref: ref})
		if ref != nil {
			if p.pos >= len(p.s) || p.s[p.pos] != '.' {
				return nil, p.errf(p.pos, `reference following must be followed by "." and a name`)
			}
			p.pos++
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == '.' {
			p.pos++
			continue
		}
		return segs, nil
	}
}

var opText = [...]string{OpEq: "==", OpNe: "!=", OpContains: "~=", OpLt: "<", OpGt: ">", OpLe: "<=", OpGe: ">="}

// String returns the operator as written in a path ("==", "~=", ...).
func (o Op) String() string {
	if int(o) >= 0 && int(o) < len(opText) {
		return opText[o]
	}
	return "?"
}

func (p *parser) op() (Op, error) {
	rest := p.s[p.pos:]
	for _, o := range [...]Op{OpEq, OpNe, OpContains, OpLe, OpGe, OpLt, OpGt} { // two-byte operators first
		if strings.HasPrefix(rest, opText[o]) {
			p.pos += len(opText[o])
			return o, nil
		}
	}
	return 0, p.errf(p.pos, "expected an operator (==, !=, ~=, <, >, <=, >=)")
}

// value consumes an expression constant: a double-quoted string with
// %-escapes (%22 for '"', %25 for '%') or a bare token such as 5, -1, true,
// 08 or 2021-06-06T08:00:00Z (TR-369 §2.5.4 examples). Whether the constant
// suits the parameter's type is checked later, by Cond.Check.
func (p *parser) value() (string, bool, error) {
	start := p.pos
	if start < len(p.s) && p.s[start] == '"' {
		end := strings.IndexByte(p.s[start+1:], '"')
		if end < 0 {
			return "", false, p.errf(start, "unterminated string constant")
		}
		raw := p.s[start+1 : start+1+end]
		val, bad := unescape(raw)
		if bad >= 0 {
			return "", false, p.errf(start+1+bad, "invalid percent escape (use %%22 for '\"' and %%25 for '%%')")
		}
		if !utf8.ValidString(val) {
			return "", false, p.errf(start, "string constant is not valid UTF-8")
		}
		if strings.IndexByte(val, 0) >= 0 {
			return "", false, p.errf(start, "string constant contains NUL")
		}
		p.pos = start + 1 + end + 1
		return val, true, nil
	}
	for p.pos < len(p.s) && isTokenChar(p.s[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return "", false, p.errf(start, "expected a constant")
	}
	return p.s[start:p.pos], false, nil
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

// unescape decodes %XX escapes. It returns the offset of a malformed escape,
// or -1.
func unescape(raw string) (string, int) {
	i := strings.IndexByte(raw, '%')
	if i < 0 {
		return raw, -1
	}
	var b strings.Builder
	b.Grow(len(raw))
	b.WriteString(raw[:i])
	for ; i < len(raw); i++ {
		c := raw[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(raw) {
			return "", i
		}
		hi, ok1 := unhex(raw[i+1])
		lo, ok2 := unhex(raw[i+2])
		if !ok1 || !ok2 {
			return "", i
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), -1
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isLetter(c byte) bool    { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isNameStart(c byte) bool { return isLetter(c) || c == '_' }

// isNameChar: TR-106 allows "-" after the first character of a name, which
// the TR-369 grammar omits; accept it.
func isNameChar(c byte) bool { return isNameStart(c) || isDigit(c) || c == '-' }

// isTokenChar is a byte of a bare constant: numbers, booleans, hexBinary and
// dateTime values.
func isTokenChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '+' || c == '-' || c == '.' || c == ':' || c == '_'
}

// clip bounds text quoted in peer-facing messages.
func clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

func quoteClip(s string) string { return strconv.Quote(clip(s)) }

// String returns the canonical text of p: no whitespace in expressions,
// string constants with '"', '%' and control characters %-escaped. For any
// path that ParsePath accepts, ParsePath(p.String()) returns p again.
func (p Path) String() string {
	return p.format(false)
}

// SupportedPath returns p with every instance identifier (number, "*",
// "[...]") replaced by "{i}": the supported data model path used to look up
// the schema (TR-369 §2.5, GetSupportedDM). With reference following the
// result is only meaningful up to the first followed reference.
func (p Path) SupportedPath() string {
	return p.format(true)
}

func (p Path) format(supported bool) string {
	if len(p.Segments) == 0 {
		return ""
	}
	var b strings.Builder
	for i, seg := range p.Segments {
		if i > 0 {
			b.WriteByte('.')
		}
		if supported && seg.IsInstance() {
			b.WriteString("{i}")
			continue
		}
		seg.writeTo(&b)
	}
	switch p.Kind {
	case PathObject:
		b.WriteByte('.')
	case PathCommand:
		b.WriteString("()")
	case PathEvent:
		b.WriteByte('!')
	}
	return b.String()
}

// IsSearch reports whether p may address more than one instance or needs
// resolving before it addresses anything: it has a "*", a "[...]"
// expression (unique-key addressing included) or reference following
// (TR-369 §2.5.2.2–2.6.1).
func (p Path) IsSearch() bool {
	for _, s := range p.Segments {
		if s.Kind == SegWildcard || s.Kind == SegSearch || s.Ref != nil {
			return true
		}
	}
	return false
}

// Object returns the object path of p: p itself when it is an object path,
// else the object holding the parameter, command or event (TR-369 R-GET.2:
// the resolved path of a parameter path is its parent object).
func (p Path) Object() Path {
	if p.Kind == PathObject || len(p.Segments) == 0 {
		return p
	}
	return Path{Segments: p.Segments[: len(p.Segments)-1 : len(p.Segments)-1], Kind: PathObject}
}

// Leaf returns the name of the parameter, command or event p addresses, or ""
// for an object path.
func (p Path) Leaf() string {
	if p.Kind == PathObject || len(p.Segments) == 0 {
		return ""
	}
	return p.Segments[len(p.Segments)-1].Name
}

// IsInstance reports whether s is an instance identifier: a number, "*",
// "[...]" or "{i}".
func (s Segment) IsInstance() bool {
	return s.Kind == SegInstance || s.Kind == SegWildcard || s.Kind == SegSearch || s.Kind == SegPlaceholder
}

// String returns the segment as written in a path.
func (s Segment) String() string {
	var b strings.Builder
	s.writeTo(&b)
	return b.String()
}

func (s Segment) writeTo(b *strings.Builder) {
	switch s.Kind {
	case SegName:
		b.WriteString(s.Name)
		if s.Ref != nil {
			s.Ref.writeTo(b)
		}
	case SegInstance:
		b.WriteString(strconv.Itoa(s.Instance))
	case SegWildcard:
		b.WriteByte('*')
	case SegPlaceholder:
		b.WriteString("{i}")
	case SegSearch:
		b.WriteByte('[')
		for i, c := range s.Expr {
			if i > 0 {
				b.WriteString("&&")
			}
			c.writeTo(b)
		}
		b.WriteByte(']')
	}
}

// Item returns the 1-based list item that r follows: "Param+" follows the
// first item, the same as "Param#1+" (TR-369 §2.6.1.1). It returns -1 for
// "Param#*+", which follows every item.
func (r RefFollow) Item() int {
	if r.Index == 0 {
		return 1
	}
	return r.Index
}

func (r RefFollow) writeTo(b *strings.Builder) {
	switch {
	case r.Index < 0:
		b.WriteString("#*")
	case r.Index > 0:
		b.WriteByte('#')
		b.WriteString(strconv.Itoa(r.Index))
	}
	b.WriteByte('+')
}

// String returns the condition in canonical form, e.g. `Stats.ErrorsSent>0`
// or `SSIDReference+.SSID=="MyHome"`.
func (c Cond) String() string {
	var b strings.Builder
	c.writeTo(&b)
	return b.String()
}

func (c Cond) writeTo(b *strings.Builder) {
	for i, s := range c.Param {
		if i > 0 {
			b.WriteByte('.')
		}
		s.writeTo(b)
	}
	b.WriteString(c.Op.String())
	if !c.Quoted {
		b.WriteString(c.Value)
		return
	}
	b.WriteByte('"')
	for i := 0; i < len(c.Value); i++ {
		ch := c.Value[i]
		if ch == '"' || ch == '%' || ch < 0x20 || ch == 0x7f {
			fmt.Fprintf(b, "%%%02X", ch)
			continue
		}
		b.WriteByte(ch)
	}
	b.WriteByte('"')
}

// SplitReferenceList splits the value of a list-valued reference parameter
// into its items, trimming the whitespace around each (TR-106 §3.2.3). Commas
// inside "[...]" and double quotes belong to unique-key addressing and do not
// split. An empty value is an empty list.
func SplitReferenceList(v string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' && depth > 0:
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(v[start:i]))
			start = i + 1
		}
	}
	if last := strings.TrimSpace(v[start:]); last != "" || len(out) > 0 {
		out = append(out, last)
	}
	return out
}
