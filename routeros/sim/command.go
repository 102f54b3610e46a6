package sim

import (
	"strconv"
	"strings"

	"github.com/uspbridge/uspbridge/routeros/wire"
)

// TrapError is a !trap reply: RouterOS's own message texts (REPORT.md
// §1.11) and, where RouterOS sets one, a category ("1" argument value
// failure, "2" interrupted …).
type TrapError struct {
	Category string   // "" when the trap carries none
	Messages []string // every !trap message in order; an unknown menu gives two
}

// Error joins the messages with "; ".
func (e *TrapError) Error() string { return strings.Join(e.Messages, "; ") }

func trapf(category, msg string) error {
	return &TrapError{Category: category, Messages: []string{msg}}
}

// request is one parsed client sentence.
type request struct {
	cmd     string
	tag     string // .tag value; replies carry it when non-empty
	attrs   []kv   // attribute words in order
	queries []queryWord
	badQry  bool
}

func parseRequest(words []string) request {
	r := request{cmd: words[0]}
	for _, w := range words[1:] {
		switch {
		case strings.HasPrefix(w, ".tag="):
			r.tag = w[len(".tag="):]
		case strings.HasPrefix(w, "="):
			k, v, _ := wire.SplitAttr(w)
			r.attrs = append(r.attrs, kv{k, v})
		case strings.HasPrefix(w, "?"):
			q, ok := parseQuery(w)
			if !ok {
				r.badQry = true
				continue
			}
			r.queries = append(r.queries, q)
		case strings.HasPrefix(w, "."):
			// API attribute words other than .tag (".proplist=a,b" from some
			// clients) are read like attributes.
			k, v, _ := strings.Cut(w, "=")
			r.attrs = append(r.attrs, kv{k, v})
		}
	}
	return r
}

func (r *request) attr(k string) (string, bool) {
	for _, a := range r.attrs {
		if a.k == k {
			return a.v, true
		}
	}
	return "", false
}

// sentence adds the request's tag after the reply word, where librouteros
// captures show RouterOS puts it (REPORT.md §1.5).
func (r *request) sentence(word string, attrs ...string) []string {
	return tagged(r.tag, word, attrs...)
}

func tagged(tag, word string, attrs ...string) []string {
	out := make([]string, 0, len(attrs)+2)
	out = append(out, word)
	if tag != "" {
		out = append(out, ".tag="+tag)
	}
	return append(out, attrs...)
}

func (r *request) done(attrs ...string) []string { return r.sentence("!done", attrs...) }

// trapReply renders err (a *TrapError) as !trap sentences and the !done.
func (r *request) trapReply(err error) [][]string {
	te, ok := err.(*TrapError)
	if !ok {
		te = &TrapError{Messages: []string{"failure: " + err.Error()}}
	}
	var out [][]string
	for _, m := range te.Messages {
		if te.Category != "" {
			out = append(out, r.sentence("!trap", "=category="+te.Category, "=message="+m))
		} else {
			out = append(out, r.sentence("!trap", "=message="+m))
		}
	}
	return append(out, r.done())
}

// caller is who runs a command: a logged-in session, or Router.Exec
// (session nil).
type caller struct {
	sess  *session
	group string
}

func (c caller) canWrite() bool { return c.group != "read" }

// result is what a command produced.
type result struct {
	sentences [][]string
	closeConn bool          // close the caller's connection after the reply
	listen    *subscription // register this listen (or streaming command)
	job       *job          // with listen: the rounds of a streaming command
	after     func()        // run after the reply is queued (reboot …)
}

func (r *request) reply(s ...[]string) result { return result{sentences: s} }

func (r *request) fail(err error) result { return result{sentences: r.trapReply(err)} }

// unknownMenu is RouterOS's reply to a path with an unknown directory: two
// traps then !done (REPORT.md §1.11).
func unknownMenu(word string) error {
	return &TrapError{Messages: []string{"no such command or directory (" + word + ")", "no such command prefix"}}
}

func noSuchCommand() error { return trapf("", "no such command") }

// resolveCommand finds the menu and verb of a command word.
func (c *catalog) resolveCommand(cmd string) (*menu, string, error) {
	segs := strings.Split(strings.TrimPrefix(cmd, "/"), "/")
	known := func(n int) (bool, *menu) {
		p := "/" + strings.Join(segs[:n], "/")
		m := c.menus[p]
		return m != nil || c.dirs[p], m
	}
	for i := 0; i < len(segs); i++ {
		ok, _ := known(i + 1)
		if ok {
			continue
		}
		var parent *menu
		if i > 0 {
			_, parent = known(i)
		}
		if i == len(segs)-1 {
			if parent == nil {
				return nil, "", noSuchCommand()
			}
			return parent, segs[i], nil
		}
		if _, isVerb := verbOf(segs[i]); isVerb && parent != nil {
			return nil, "", noSuchCommand()
		}
		return nil, "", unknownMenu(segs[i])
	}
	return nil, "", noSuchCommand()
}

// printArgs are the print arguments accepted and, except those handled,
// ignored (detail, stats … change nothing over the API).
func printArg(k string) bool {
	switch k {
	case ".proplist", "count-only", "detail", "stats", "stats-detail", "without-paging", "terse", "brief", "from", "show-ids":
		return true
	}
	return false
}

func splitProplist(v string) []string {
	if v == "" {
		return []string{}
	}
	return strings.Split(v, ",")
}

// execMenu runs a menu command (print, add, set …). r.mu is held.
func (rt *Router) execMenu(c caller, req *request) result {
	st := rt.st
	m, verbWord, err := st.cat.resolveCommand(req.cmd)
	if err != nil {
		return req.fail(err)
	}
	verb, ok := verbOf(verbWord)
	if !ok || m.verbs&verb == 0 {
		return req.fail(noSuchCommand())
	}
	if verb&(vAdd|vSet|vRemove|vEnable|vUnset|vMove) != 0 && !c.canWrite() {
		return req.fail(trapf("", "not enough permissions (9)"))
	}
	switch verb {
	case vPrint:
		return rt.print(m, req)
	case vListen:
		if c.sess == nil {
			return req.fail(trapf("", "listen needs an API connection"))
		}
		sub := &subscription{sess: c.sess, menu: m, tag: req.tag}
		if v, ok := req.attr(".proplist"); ok {
			sub.proplist = splitProplist(v)
		}
		return result{listen: sub}
	case vGet:
		return rt.get(m, req)
	case vExport:
		return req.reply(req.done())
	case vAdd:
		given := req.props()
		it, err := st.add(m, given)
		if err != nil {
			return req.fail(err)
		}
		return req.reply(req.done("=ret=" + formatID(it.id)))
	}
	targets, err := rt.targets(m, req, verb != vMove)
	if err != nil {
		return req.fail(err)
	}
	switch verb {
	case vSet:
		for _, it := range targets {
			if err := st.set(m, it, req.props()); err != nil {
				return req.fail(err)
			}
		}
	case vEnable:
		v := "false"
		if strings.HasSuffix(req.cmd, "/disable") {
			v = "true"
		}
		for _, it := range targets {
			if err := st.set(m, it, []kv{{"disabled", v}}); err != nil {
				return req.fail(err)
			}
		}
	case vUnset:
		name, _ := req.attr("value-name")
		for _, it := range targets {
			if err := st.unset(m, it, name); err != nil {
				return req.fail(err)
			}
		}
	case vRemove:
		for _, it := range targets {
			if err := st.remove(m, it); err != nil {
				return req.fail(err)
			}
		}
	case vMove:
		var dest *item
		if d, ok := req.attr("destination"); ok && d != "" {
			if dest = st.find(m, d); dest == nil {
				return req.fail(trapf("", "no such item (4)"))
			}
		}
		st.move(m, targets, dest)
	}
	return req.reply(req.done())
}

// props returns the assignments of a command: every attribute except the
// selectors and API arguments.
func (r *request) props() []kv {
	var out []kv
	for _, a := range r.attrs {
		switch a.k {
		case ".id", "numbers", ".proplist", "value-name", "destination":
			continue
		}
		out = append(out, a)
	}
	return out
}

// targets resolves =.id= / =numbers= (ids or names, comma lists). Singletons
// need none.
func (rt *Router) targets(m *menu, req *request, needOne bool) ([]*item, error) {
	if m.single {
		return []*item{rt.st.singleton(m)}, nil
	}
	sel, ok := req.attr(".id")
	if !ok {
		sel, ok = req.attr("numbers")
	}
	if !ok || sel == "" {
		if !needOne {
			return nil, nil
		}
		return nil, trapf("", "no such item (4)")
	}
	return rt.st.resolve(m, sel)
}

func (rt *Router) print(m *menu, req *request) result {
	st := rt.st
	var proplist []string
	countOnly := false
	var from []*item
	for _, a := range req.attrs {
		if !printArg(a.k) {
			return req.fail(trapf("", "unknown parameter"))
		}
		switch a.k {
		case ".proplist":
			proplist = splitProplist(a.v)
		case "count-only":
			countOnly = true
		case "from":
			its, err := st.resolve(m, a.v)
			if err != nil {
				return req.fail(err)
			}
			from = its
		}
	}
	items := st.list(m)
	if from != nil {
		items = from
	}
	var out [][]string
	n := 0
	for _, it := range items {
		// Queries see the whole item: the manual's proplist rule only says
		// a listed property the item lacks is absent (?name is false).
		rec := st.record(m, it, nil)
		if !matchQuery(req.queries, rec) {
			continue
		}
		n++
		if countOnly {
			continue
		}
		if proplist != nil {
			rec = st.record(m, it, proplist)
		}
		words := req.sentence("!re")
		for _, a := range rec {
			words = append(words, "="+a.k+"="+a.v)
		}
		out = append(out, words)
	}
	if countOnly {
		return req.reply(req.done("=ret=" + strconv.Itoa(n)))
	}
	if n == 0 && rt.empty {
		out = append(out, req.sentence("!empty"))
	}
	return result{sentences: append(out, req.done())}
}

// get returns one property as =ret= (e.g. /system/identity/get
// =value-name=name).
func (rt *Router) get(m *menu, req *request) result {
	name, ok := req.attr("value-name")
	if !ok {
		return req.fail(trapf("", "missing value(s) of argument(s) value-name"))
	}
	var it *item
	if m.single {
		it = rt.st.singleton(m)
	} else {
		sel, ok := req.attr("number")
		if !ok {
			sel, _ = req.attr(".id")
		}
		if it = rt.st.find(m, sel); it == nil {
			return req.fail(trapf("", "no such item (4)"))
		}
	}
	for _, a := range rt.st.record(m, it, nil) {
		if a.k == name {
			return req.reply(req.done("=ret=" + a.v))
		}
	}
	if !rt.st.visible(m, name) {
		return req.fail(trapf("", "unknown parameter"))
	}
	return req.reply(req.done("=ret="))
}
