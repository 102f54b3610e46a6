package bridge

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/uspbridge/uspbridge/bridge/tr181"
)

// node is one object or object instance of the instantiated data model, built
// lazily for one request from its snapshot.
type node struct {
	def  *objDef
	path string // "Device.IP.Interface.1." — instance numbers, trailing dot
	item *tr181.Item
	inst int // instance number; 0 for single-instance objects

	built  bool
	single map[*objDef]*node   // single-instance children
	tables map[*objDef][]*node // instances of child tables, by instance number
}

// tree builds nodes for one request.
type tree struct {
	d    *Device
	snap *snapshot
	root *node
}

func (d *Device) newTree(snap *snapshot) *tree {
	return &tree{d: d, snap: snap, root: &node{def: d.model.root, path: d.model.root.tr.Path, item: &tr181.Item{}}}
}

// build creates n's children.
func (t *tree) build(n *node) {
	if n.built {
		return
	}
	n.built = true
	n.single = map[*objDef]*node{}
	n.tables = map[*objDef][]*node{}
	for _, c := range n.def.children {
		if !c.multi {
			n.single[c] = &node{def: c, path: n.path + c.name + ".", item: n.item}
			continue
		}
		tablePath := n.path + c.name + "."
		items := c.tr.Items(t.snap, n.item)
		insts := make([]*node, 0, len(items))
		for i := range items {
			it := &items[i]
			num := t.d.inst.number(tablePath, it.Key)
			insts = append(insts, &node{def: c, path: tablePath + strconv.Itoa(num) + ".", item: it, inst: num})
		}
		slices.SortFunc(insts, func(a, b *node) int { return cmp.Compare(a.inst, b.inst) })
		n.tables[c] = insts
	}
}

// instancesOf returns the instances of table c under n.
func (t *tree) instancesOf(n *node, c *objDef) []*node {
	t.build(n)
	return n.tables[c]
}

// singleChild returns the single-instance child c of n.
func (t *tree) singleChild(n *node, c *objDef) *node {
	t.build(n)
	return n.single[c]
}

// value returns the value of parameter name of n, and whether n has it.
func (t *tree) value(n *node, name string) (string, bool) {
	i, ok := n.def.params[name]
	if !ok {
		return "", false
	}
	if g := n.def.getters[i]; g != nil {
		return g(t.snap, n.item), true
	}
	// A "<Table>NumberOfEntries" parameter.
	return strconv.Itoa(len(t.instancesOf(n, n.def.counts[name]))), true
}

// params returns every parameter of n in schema order.
func (t *tree) params(n *node) []ParamValue {
	ps := n.def.schema.Params
	out := make([]ParamValue, 0, len(ps))
	for _, p := range ps {
		v, _ := t.value(n, p.Name)
		out = append(out, ParamValue{Name: p.Name, Value: v})
	}
	return out
}

// walk calls f for n and every object below it, parents first, children in
// schema order and instances by number, down to maxDepth levels (0: all;
// n itself is level 1).
func (t *tree) walk(n *node, depth, maxDepth int, f func(*node)) {
	f(n)
	if maxDepth > 0 && depth >= maxDepth {
		return
	}
	t.build(n)
	for _, c := range n.def.children {
		if c.multi {
			for _, in := range n.tables[c] {
				t.walk(in, depth+1, maxDepth, f)
			}
		} else {
			t.walk(n.single[c], depth+1, maxDepth, f)
		}
	}
}
