package sim

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// item is one record of a table. Properties are stored as the strings
// RouterOS prints; nothing in a value is ever interpreted.
type item struct {
	id    uint32
	props map[string]string
	link  bool     // interfaces: carrier state (Router.SetLink)
	ctr   counters // interfaces: traffic counters
	owner uint32   // items derived from another (connected routes): its .id
}

func (it *item) clone() *item {
	c := *it
	c.props = make(map[string]string, len(it.props))
	for k, v := range it.props {
		c.props[k] = v
	}
	return &c
}

func formatID(id uint32) string { return "*" + strings.ToUpper(strconv.FormatUint(uint64(id), 16)) }

func parseID(s string) (uint32, bool) {
	if len(s) < 2 || s[0] != '*' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	return uint32(v), err == nil
}

// table holds the ordered items of one storage table. Ids are never reused.
type table struct {
	items   []*item
	next    uint32 // next .id for configured items
	nextDyn uint32 // next .id for dynamic items (0x80000000 and up, as v7 routes)
}

// change records that an item changed or disappeared, for listen.
type change struct {
	table string
	it    *item
	dead  bool
}

// state is the configuration and run-time state of one router. It is not
// safe for concurrent use; Router serialises access.
type state struct {
	cat     *catalog
	dev     *device
	tables  map[string]*table
	learned map[string]map[string]bool // menu path → property names learned from an export
	now     func() time.Time
	start   time.Time
	changes []change
	// lenient is set while loading an export: unknown properties are
	// learned instead of refused and references are not checked.
	lenient bool
}

func newState(cat *catalog, dev *device) *state {
	return &state{cat: cat, dev: dev, tables: map[string]*table{}, learned: map[string]map[string]bool{}, now: time.Now}
}

// clone copies s for a new router; the catalog and device are shared, as
// neither changes after loading.
func (s *state) clone() *state {
	c := &state{cat: s.cat, dev: s.dev, tables: make(map[string]*table, len(s.tables)),
		learned: make(map[string]map[string]bool, len(s.learned)), now: s.now, start: s.start}
	for name, t := range s.tables {
		nt := &table{next: t.next, nextDyn: t.nextDyn, items: make([]*item, len(t.items))}
		for i, it := range t.items {
			nt.items[i] = it.clone()
		}
		c.tables[name] = nt
	}
	for m, set := range s.learned {
		cs := make(map[string]bool, len(set))
		for k := range set {
			cs[k] = true
		}
		c.learned[m] = cs
	}
	return c
}

func (s *state) tbl(name string) *table {
	t := s.tables[name]
	if t == nil {
		t = &table{next: 1, nextDyn: 0x80000001}
		s.tables[name] = t
	}
	return t
}

func (s *state) menu(path string) *menu { return s.cat.menus[path] }

func (s *state) inView(m *menu, it *item) bool {
	return m.ifType == "" || it.props["type"] == m.ifType
}

// list returns the items of m in print order.
func (s *state) list(m *menu) []*item {
	if m.single {
		return []*item{s.singleton(m)}
	}
	t := s.tbl(m.table)
	if m.ifType == "" {
		return t.items
	}
	var out []*item
	for _, it := range t.items {
		if s.inView(m, it) {
			out = append(out, it)
		}
	}
	return out
}

// singleton returns the one item of a singleton menu, creating it with the
// declared defaults.
func (s *state) singleton(m *menu) *item {
	t := s.tbl(m.table)
	if len(t.items) == 0 {
		it := &item{props: map[string]string{}}
		for _, p := range m.props {
			if p.hasDef {
				it.props[p.name] = p.def
			}
		}
		t.items = append(t.items, it)
	}
	return t.items[0]
}

// find resolves one selector: "*1A" or, on menus with a key, a name.
func (s *state) find(m *menu, sel string) *item {
	if id, ok := parseID(sel); ok {
		for _, it := range s.tbl(m.table).items {
			if it.id == id && s.inView(m, it) {
				return it
			}
		}
		return nil
	}
	if m.key == "" {
		return nil
	}
	for _, it := range s.tbl(m.table).items {
		if it.props[m.key] == sel && s.inView(m, it) {
			return it
		}
	}
	return nil
}

// resolve resolves a comma list of selectors (=.id= or =numbers=).
func (s *state) resolve(m *menu, sels string) ([]*item, error) {
	var out []*item
	for _, sel := range strings.Split(sels, ",") {
		it := s.find(m, strings.TrimSpace(sel))
		if it == nil {
			return nil, trapf("", "no such item (4)")
		}
		out = append(out, it)
	}
	return out, nil
}

func (s *state) touch(table string, it *item) {
	s.changes = append(s.changes, change{table: table, it: it})
}

func (s *state) learn(path, name string) {
	set := s.learned[path]
	if set == nil {
		set = map[string]bool{}
		s.learned[path] = set
	}
	set[name] = true
}

// visible says whether property k of menu m is printed.
func (s *state) visible(m *menu, k string) bool {
	if p := m.prop(k); p != nil {
		return p.kind != kindSecret
	}
	return m.open || s.learned[m.path][k]
}

// attr is one "=name=value" word of a reply.
type attr struct{ k, v string }

// record projects it through menu m: .id first, then declared properties in
// declaration order, then other visible ones sorted. With a proplist, only
// the named properties that are present, in proplist order (REPORT.md §1.5).
func (s *state) record(m *menu, it *item, proplist []string) []attr {
	var dyn map[string]string
	if m.dynamic != nil {
		dyn = map[string]string{}
		m.dynamic(s, it, s.now(), func(k, v string) { dyn[k] = v })
	}
	value := func(k string) (string, bool) {
		if v, ok := dyn[k]; ok {
			return v, true
		}
		v, ok := it.props[k]
		return v, ok
	}
	var out []attr
	if proplist != nil {
		for _, k := range proplist {
			if k == ".id" {
				if !m.single {
					out = append(out, attr{".id", formatID(it.id)})
				}
				continue
			}
			if !s.visible(m, k) {
				continue
			}
			if v, ok := value(k); ok {
				out = append(out, attr{k, v})
			}
		}
		return out
	}
	out = make([]attr, 0, len(it.props)+len(dyn)+1)
	if !m.single {
		out = append(out, attr{".id", formatID(it.id)})
	}
	for _, p := range m.props {
		if p.kind == kindSecret {
			continue
		}
		if v, ok := value(p.name); ok {
			out = append(out, attr{p.name, v})
		}
	}
	var extra []string
	for k := range it.props {
		if m.prop(k) == nil && s.visible(m, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		out = append(out, attr{k, it.props[k]})
	}
	return out
}

// kv is one property assignment of a command, in the order given.
type kv struct{ k, v string }

func normBool(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "yes", "true":
		return "true", true
	case "no", "false":
		return "false", true
	}
	return v, false
}

// check validates and normalises the assignments of an add or set.
func (s *state) check(m *menu, given []kv) (map[string]string, error) {
	out := make(map[string]string, len(given))
	for _, a := range given {
		p := m.prop(a.k)
		if p == nil {
			if m.open || s.learned[m.path][a.k] {
				out[a.k] = a.v
				continue
			}
			if s.lenient {
				s.learn(m.path, a.k)
				out[a.k] = a.v
				continue
			}
			return nil, trapf("", "unknown parameter")
		}
		if p.readOnly && !s.lenient {
			return nil, trapf("", "unknown parameter")
		}
		v := a.v
		switch p.kind {
		case kindBool:
			nv, ok := normBool(v)
			if !ok && !s.lenient {
				return nil, badValue(p.name)
			}
			v = nv
		case kindRef, kindRefList:
			if !s.lenient {
				nv, err := s.checkRef(p, v)
				if err != nil {
					return nil, err
				}
				v = nv
			}
		}
		out[a.k] = v
	}
	return out, nil
}

// checkRef resolves the names (or *ids) of a reference property to the
// referenced items' names: "input does not match any value of <prop>"
// otherwise (REPORT.md §1.11, category 1).
func (s *state) checkRef(p *prop, v string) (string, error) {
	t := s.menu(p.target)
	if t == nil {
		return v, nil
	}
	one := func(name string) (string, bool) {
		neg := ""
		if p.negate && strings.HasPrefix(name, "!") {
			neg, name = "!", name[1:]
		}
		it := s.find(t, name)
		if it == nil {
			return "", false
		}
		return neg + it.props[t.key], true
	}
	if p.kind == kindRefList {
		if v == "" {
			return "", nil
		}
		parts := strings.Split(v, ",")
		for i, n := range parts {
			r, ok := one(n)
			if !ok {
				return "", badValue(p.name)
			}
			parts[i] = r
		}
		return strings.Join(parts, ","), nil
	}
	if v == "" && !p.required {
		return "", nil
	}
	r, ok := one(v)
	if !ok {
		return "", badValue(p.name)
	}
	return r, nil
}

func badValue(name string) error {
	return trapf("1", "input does not match any value of "+name)
}

// keyTaken reports whether another item of m's table already has name.
func (s *state) keyTaken(m *menu, name string, self *item) bool {
	for _, it := range s.tbl(m.table).items {
		if it != self && it.props[m.key] == name {
			return true
		}
	}
	return false
}

func (s *state) duplicate(m *menu) error {
	if m.table == ifaces {
		return trapf("", "failure: already have interface with such name")
	}
	return trapf("", "failure: item with such name already exists")
}

// add creates an item in m from the assignments given.
func (s *state) add(m *menu, given []kv) (*item, error) {
	vals, err := s.check(m, given)
	if err != nil {
		return nil, err
	}
	it := &item{props: map[string]string{}}
	for _, p := range m.props {
		if p.hasDef {
			it.props[p.name] = p.def
		}
	}
	if m.ifType != "" {
		it.props["type"] = m.ifType
	}
	for k, v := range vals {
		it.props[k] = v
	}
	if m.key != "" && it.props[m.key] == "" && m.autoName != "" {
		for n := 1; ; n++ {
			name := m.autoName + strconv.Itoa(n)
			if !s.keyTaken(m, name, nil) {
				it.props[m.key] = name
				break
			}
		}
	}
	if !s.lenient {
		var missing []string
		for _, p := range m.props {
			if p.required && it.props[p.name] == "" {
				missing = append(missing, p.name)
			}
		}
		if len(missing) > 0 {
			return nil, trapf("", "missing value(s) of argument(s) "+strings.Join(missing, " "))
		}
	}
	if m.key != "" && it.props[m.key] != "" && s.keyTaken(m, it.props[m.key], nil) {
		return nil, s.duplicate(m)
	}
	t := s.tbl(m.table)
	it.id = t.next
	t.next++
	t.items = append(t.items, it)
	if m.derive != nil {
		m.derive(s, m, it, vals)
	}
	s.touch(m.table, it)
	return it, nil
}

// addDynamic adds an item the router made itself (a DHCP lease, a connected
// route): no checks, an id from the dynamic range on routes.
func (s *state) addDynamic(path string, owner uint32, p map[string]string) *item {
	m := s.menu(path)
	t := s.tbl(m.table)
	it := &item{props: p, owner: owner}
	if path == "/ip/route" || path == "/ipv6/route" {
		it.id = t.nextDyn
		t.nextDyn++
	} else {
		it.id = t.next
		t.next++
	}
	t.items = append(t.items, it)
	if m.derive != nil {
		m.derive(s, m, it, nil)
	}
	s.touch(m.table, it)
	return it
}

// set applies assignments to it.
func (s *state) set(m *menu, it *item, given []kv) error {
	vals, err := s.check(m, given)
	if err != nil {
		return err
	}
	oldName := ""
	if m.key != "" {
		oldName = it.props[m.key]
		if n, ok := vals[m.key]; ok && n != oldName {
			if n == "" || s.keyTaken(m, n, it) {
				return s.duplicate(m)
			}
		}
	}
	before := it.clone()
	for k, v := range vals {
		it.props[k] = v
	}
	if m.derive != nil {
		m.derive(s, m, it, vals)
	}
	if m.key != "" && !m.single && it.props[m.key] != oldName && oldName != "" {
		s.renameRefs(m.table, oldName, it.props[m.key])
	}
	s.touchIfChanged(m.table, before, it)
	return nil
}

// unset removes an optional property (RouterOS "unset").
func (s *state) unset(m *menu, it *item, name string) error {
	p := m.prop(name)
	if p == nil && !m.open && !s.learned[m.path][name] {
		return trapf("", "unknown parameter")
	}
	if p != nil && (p.readOnly || p.required || p.name == m.key) {
		return trapf("", "unknown parameter")
	}
	before := it.clone()
	delete(it.props, name)
	if p != nil && p.hasDef {
		it.props[name] = p.def
	}
	if m.derive != nil {
		m.derive(s, m, it, map[string]string{name: it.props[name]})
	}
	s.touchIfChanged(m.table, before, it)
	return nil
}

func (s *state) touchIfChanged(table string, before, it *item) {
	if len(before.props) != len(it.props) {
		s.touch(table, it)
		return
	}
	for k, v := range it.props {
		if bv, ok := before.props[k]; !ok || bv != v {
			s.touch(table, it)
			return
		}
	}
}

// remove deletes it from m. Built-in interfaces cannot be removed.
func (s *state) remove(m *menu, it *item) error {
	if m.table == ifaces && it.props["default-name"] != "" {
		return trapf("", "failure: can not remove built-in interface")
	}
	s.drop(m.table, it)
	if m.key != "" && it.props[m.key] != "" {
		s.renameRefs(m.table, it.props[m.key], formatID(it.id))
	}
	return nil
}

func (s *state) drop(table string, it *item) {
	t := s.tbl(table)
	for i, x := range t.items {
		if x == it {
			t.items = append(t.items[:i:i], t.items[i+1:]...)
			break
		}
	}
	s.changes = append(s.changes, change{table: table, it: it, dead: true})
}

// move puts its before dest (nil: to the end), as "/… /move".
func (s *state) move(m *menu, its []*item, dest *item) {
	t := s.tbl(m.table)
	moving := map[*item]bool{}
	for _, it := range its {
		moving[it] = true
	}
	rest := make([]*item, 0, len(t.items))
	for _, it := range t.items {
		if !moving[it] {
			rest = append(rest, it)
		}
	}
	pos := len(rest)
	for i, it := range rest {
		if it == dest {
			pos = i
		}
	}
	out := append(append(append([]*item(nil), rest[:pos]...), its...), rest[pos:]...)
	t.items = out
	for _, it := range its {
		s.touch(m.table, it)
	}
}

// renameRefs follows a rename (or, with to = "*ID", a removal) of an item
// of table into every property that names it, as RouterOS stores
// references by id and prints the current name.
func (s *state) renameRefs(table, from, to string) {
	for _, site := range s.cat.refs[table] {
		for _, it := range s.tbl(site.table).items {
			v, ok := it.props[site.prop]
			if !ok {
				continue
			}
			nv := v
			if site.list {
				parts := strings.Split(v, ",")
				for i, p := range parts {
					if p == from {
						parts[i] = to
					}
				}
				nv = strings.Join(parts, ",")
			} else if v == from {
				nv = to
			} else if site.neg && v == "!"+from {
				nv = "!" + to
			}
			if nv == v {
				continue
			}
			it.props[site.prop] = nv
			if m := s.tableMenu(site.table, it); m != nil && m.derive != nil {
				m.derive(s, m, it, nil)
			}
			s.touch(site.table, it)
		}
	}
}

// tableMenu finds the menu that owns it: the typed view for interfaces.
func (s *state) tableMenu(table string, it *item) *menu {
	if table == ifaces {
		for _, m := range s.cat.menus {
			if m.table == ifaces && m.ifType != "" && m.ifType == it.props["type"] {
				return m
			}
		}
		return s.menu(ifaces)
	}
	return s.menu(table)
}

// settle runs the per-table hooks for every table the current command
// changed, until nothing new changes.
func (s *state) settle() {
	done := map[string]bool{}
	for round := 0; round < 4; round++ {
		var todo []string
		for _, c := range s.changes {
			if !done[c.table] && s.cat.after[c.table] != nil {
				done[c.table] = true
				todo = append(todo, c.table)
			}
		}
		if len(todo) == 0 {
			return
		}
		for _, t := range todo {
			s.cat.after[t](s)
		}
	}
}

// takeChanges returns the changes of the last command, one per item (the
// last state wins), in the order items first changed.
func (s *state) takeChanges() []change {
	type key struct {
		table string
		it    *item
	}
	idx := map[key]int{}
	var out []change
	for _, c := range s.changes {
		k := key{c.table, c.it}
		if i, ok := idx[k]; ok {
			out[i] = c
			continue
		}
		idx[k] = len(out)
		out = append(out, c)
	}
	s.changes = s.changes[:0]
	return out
}
