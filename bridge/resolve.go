package bridge

import (
	"strconv"
	"strings"

	"github.com/uspbridge/uspbridge/bridge/dm"
)

// Path resolution against the model (statically) and the instantiated tree
// of one request (TR-369 §2.5–2.7).

// check validates p against the supported data model, independent of which
// instances exist, and returns the deepest object it reaches statically
// (resolution past reference following depends on values and is checked
// while resolving).
func (m *Model) check(p dm.Path, raw string) (*objDef, error) {
	segs := p.Segments
	if len(segs) == 0 || segs[0].Kind != dm.SegName || segs[0].Name != "Device" || segs[0].Ref != nil {
		return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: paths start with \"Device.\"", raw)
	}
	def, atTable := m.root, false
	for i := 1; i < len(segs); i++ {
		seg, last := segs[i], i == len(segs)-1
		here := strings.TrimSuffix(def.tr.Path, "{i}.")
		switch seg.Kind {
		case dm.SegName:
			if atTable {
				return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s is a table; expected an instance number, \"*\" or a search expression before %q", raw, here, seg.Name)
			}
			if c := def.child(seg.Name); c != nil && seg.Ref == nil {
				def, atTable = c, c.multi
				continue
			}
			if _, ok := def.params[seg.Name]; ok {
				if seg.Ref != nil {
					return def, nil // the rest depends on the referenced objects
				}
				if !last {
					return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s%s is a parameter, not an object", raw, here, seg.Name)
				}
				if p.Kind != dm.PathParam {
					return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s%s is not a command or event", raw, here, seg.Name)
				}
				return def, nil
			}
			switch {
			case last && p.Kind == dm.PathCommand:
				return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s has no command %q", raw, here, seg.Name+"()")
			case last && p.Kind == dm.PathEvent:
				return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s has no event %q", raw, here, seg.Name+"!")
			}
			return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s has no object or parameter %q", raw, here, seg.Name)
		case dm.SegInstance, dm.SegWildcard, dm.SegSearch:
			if !atTable {
				return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s is not a table", raw, here)
			}
			atTable = false
			if seg.Kind == dm.SegSearch {
				for _, c := range seg.Expr {
					if err := checkCond(def, c, raw); err != nil {
						return nil, err
					}
				}
			}
		default:
			return nil, dm.Errorf(dm.KindInvalidPathSyntax, raw, "invalid path %q: \"{i}\" is only allowed in supported-data-model paths", raw)
		}
	}
	if p.Kind == dm.PathCommand || p.Kind == dm.PathEvent {
		return nil, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: no such command or event", raw)
	}
	return def, nil
}

// checkCond validates a search condition: its parameter path names
// single-instance sub-objects ending in a parameter (child tables are not
// allowed, TR-369 §2.5.4), and its operator and constant fit the parameter's
// type. Past reference following the target type depends on values, so the
// check stops there.
func checkCond(def *objDef, c dm.Cond, raw string) error {
	segs := c.Param
	for i, s := range segs {
		if idx, ok := def.params[s.Name]; ok {
			if s.Ref != nil {
				return nil
			}
			if i != len(segs)-1 {
				return dm.Errorf(dm.KindInvalidPath, raw, "invalid search expression in %q: %s is a parameter", raw, s.Name)
			}
			if err := c.Check(def.schema.Params[idx].Type); err != nil {
				return err
			}
			return nil
		}
		ch := def.child(s.Name)
		if ch == nil || ch.multi || s.Ref != nil {
			return dm.Errorf(dm.KindInvalidPath, raw, "invalid search expression in %q: %s has no parameter or single-instance object %q", raw, def.tr.Path, s.Name)
		}
		def = ch
	}
	return dm.Errorf(dm.KindInvalidPath, raw, "invalid search expression in %q: the condition must name a parameter", raw)
}

// pos is a resolution position: an object, or a table under an object.
type pos struct {
	n     *node
	table *objDef // non-nil: the table n.path+table.name+"." itself
}

// resolved is what a path resolved to.
type resolved struct {
	at    []pos
	param string // set when the path ends in a parameter of the objects in at
	// missing is set when a non-search path named an instance that does not
	// exist; it holds the path up to that instance.
	missing string
}

// resolve walks p over the instantiated tree. The path must have passed check.
func (t *tree) resolve(p dm.Path, raw string) (resolved, error) {
	cur := []pos{{n: t.root}}
	segs := p.Segments
	for i := 1; i < len(segs) && len(cur) > 0; i++ {
		seg, last := segs[i], i == len(segs)-1
		var next []pos
		seen := map[string]bool{}
		add := func(q pos) {
			k := q.n.path
			if q.table != nil {
				k += q.table.name + "."
			}
			if !seen[k] {
				seen[k] = true
				next = append(next, q)
			}
		}
		for _, c := range cur {
			switch seg.Kind {
			case dm.SegName:
				if c.table != nil {
					return resolved{}, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s%s. is a table", raw, c.n.path, c.table.name)
				}
				if ch := c.n.def.child(seg.Name); ch != nil && seg.Ref == nil {
					if ch.multi {
						add(pos{n: c.n, table: ch})
					} else {
						add(pos{n: t.singleChild(c.n, ch)})
					}
					continue
				}
				if _, ok := c.n.def.params[seg.Name]; !ok {
					// Past reference following, objects of another type may
					// lack the name: they just do not match.
					continue
				}
				if seg.Ref != nil {
					for _, n := range t.follow(c.n, seg.Name, seg.Ref) {
						add(pos{n: n})
					}
					continue
				}
				if last && p.Kind == dm.PathParam {
					add(c)
					continue
				}
				return resolved{}, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s%s is a parameter", raw, c.n.path, seg.Name)
			case dm.SegInstance, dm.SegWildcard, dm.SegSearch:
				if c.table == nil {
					return resolved{}, dm.Errorf(dm.KindInvalidPath, raw, "invalid path %q: %s is not a table", raw, c.n.path)
				}
				for _, in := range t.instancesOf(c.n, c.table) {
					switch seg.Kind {
					case dm.SegInstance:
						if in.inst == seg.Instance {
							add(pos{n: in})
						}
					case dm.SegWildcard:
						add(pos{n: in})
					default:
						ok, err := t.match(in, seg.Expr)
						if err != nil {
							return resolved{}, err
						}
						if ok {
							add(pos{n: in})
						}
					}
				}
				if seg.Kind == dm.SegInstance && len(next) == 0 && !p.IsSearch() {
					return resolved{missing: cur[0].n.path + cur[0].table.name + "." + strconv.Itoa(seg.Instance) + "."}, nil
				}
			}
		}
		cur = next
	}
	r := resolved{at: cur}
	if p.Kind == dm.PathParam && len(segs) > 0 {
		r.param = segs[len(segs)-1].Name
	}
	return r, nil
}

// follow resolves reference following on parameter name of n (TR-369
// §2.6.1): the parameter's value is a comma-separated list of references, of
// which ref picks one (Param+ is the first, Param#2+ the second) or all
// (Param#*+). References may use instance numbers or unique keys (R-ARC.11).
// A dangling or malformed reference matches nothing.
func (t *tree) follow(n *node, name string, ref *dm.RefFollow) []*node {
	v, _ := t.value(n, name)
	refs := dm.SplitReferenceList(v)
	if i := ref.Item(); i > 0 {
		if i > len(refs) {
			return nil
		}
		refs = refs[i-1 : i]
	}
	var out []*node
	for _, r := range refs {
		p, err := dm.ParseReference(r)
		if err != nil {
			continue
		}
		p.Kind = dm.PathObject // references name objects
		if _, err := t.d.model.check(p, r); err != nil {
			continue
		}
		res, err := t.resolve(p, r)
		if err != nil || res.missing != "" {
			continue
		}
		for _, q := range res.at {
			if q.table == nil {
				out = append(out, q.n)
			}
		}
	}
	return out
}

// match evaluates a search expression on instance n: every condition must
// hold (TR-369 §2.5.4). With reference following a condition may see several
// values; one matching is enough.
func (t *tree) match(n *node, conds []dm.Cond) (bool, error) {
	for _, c := range conds {
		vals, typ := t.relative(n, c.Param)
		ok := false
		for _, v := range vals {
			m, err := c.Match(typ, v)
			if err != nil {
				return false, err
			}
			if m {
				ok = true
				break
			}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// relative returns the values of a relative parameter path under n (several
// when reference following fans out) and the parameter's type.
func (t *tree) relative(n *node, segs []dm.Segment) ([]string, dm.DataType) {
	nodes := []*node{n}
	for _, s := range segs[:len(segs)-1] {
		var next []*node
		for _, x := range nodes {
			if s.Ref != nil {
				if _, ok := x.def.params[s.Name]; ok {
					next = append(next, t.follow(x, s.Name, s.Ref)...)
				}
				continue
			}
			if c := x.def.child(s.Name); c != nil && !c.multi {
				next = append(next, t.singleChild(x, c))
			}
		}
		nodes = next
	}
	name := segs[len(segs)-1].Name
	var vals []string
	var typ dm.DataType
	for _, x := range nodes {
		if idx, ok := x.def.params[name]; ok {
			v, _ := t.value(x, name)
			vals = append(vals, v)
			typ = x.def.schema.Params[idx].Type
		}
	}
	return vals, typ
}
