// Package bridge is the protocol-neutral core both fronts call: one Device per
// router with Get, GetInstances and (in later work) Set, Add, Delete, Operate
// and Watch, over the TR-181 mapping of package tr181.
//
// It never imports usp, cwmp or proto (DESIGN.md §2); results are plain paths
// and TR-106 lexical values, errors are *dm.Error with a neutral Kind.
package bridge

import (
	"slices"
	"strings"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/bridge/tr181"
)

// Model is the TR-181 data model the bridge implements: the schema and the
// mapping behind it. It is immutable and shared by every Device of a process.
type Model struct {
	schema *dm.Schema
	root   *objDef
	byPath map[string]*objDef
}

// objDef is one object of the model with its precomputed tree links.
type objDef struct {
	tr       *tr181.Object
	schema   *dm.ObjectSchema
	name     string // last name segment: "Interface", "Stats"
	multi    bool
	parent   *objDef
	children []*objDef
	params   map[string]int // parameter name → index in schema.Params
	getters  []func(tr181.Snapshot, *tr181.Item) string
	counts   map[string]*objDef // "<Table>NumberOfEntries" → the table it counts
	// menus read to build this object and everything below it, plus its
	// ancestors (whose instances number it).
	menus []string
}

// NewModel builds the model from the tr181 mapping.
func NewModel() *Model {
	objs := tr181.Objects()
	m := &Model{byPath: make(map[string]*objDef, len(objs))}
	for _, o := range objs {
		d := &objDef{tr: o, multi: strings.HasSuffix(o.Path, ".{i}."), params: map[string]int{}, counts: map[string]*objDef{}}
		name := strings.TrimSuffix(strings.TrimSuffix(o.Path, "."), ".{i}")
		d.name = name[strings.LastIndexByte(name, '.')+1:]
		d.schema = &dm.ObjectSchema{Path: o.Path, Multi: d.multi, Access: o.Access, UniqueKeys: o.UniqueKeys}
		for _, p := range o.Params {
			d.params[p.Name] = len(d.schema.Params)
			d.schema.Params = append(d.schema.Params, dm.ParamSchema{Name: p.Name, Type: p.Type, Access: p.Access, Volatile: p.Volatile, Source: p.Source})
			d.getters = append(d.getters, p.Get)
		}
		m.byPath[o.Path] = d
		if parent := dm.ParentObject(o.Path); parent == "" {
			m.root = d
		} else {
			pd, ok := m.byPath[parent]
			if !ok {
				panic("tr181: " + o.Path + " declared before its parent " + parent)
			}
			d.parent = pd
			pd.children = append(pd.children, d)
		}
	}
	// Every table is counted by "<Name>NumberOfEntries" in its parent
	// (TR-181 convention), computed from the instances themselves.
	var schemas []*dm.ObjectSchema
	for _, o := range objs {
		d := m.byPath[o.Path]
		for _, c := range d.children {
			if !c.multi {
				continue
			}
			pn := c.name + "NumberOfEntries"
			d.counts[pn] = c
			d.params[pn] = len(d.schema.Params)
			d.schema.Params = append(d.schema.Params, dm.ParamSchema{Name: pn, Type: dm.DataType{Base: dm.TypeUnsignedInt}, Source: "number of " + c.tr.Path + " instances"})
			d.getters = append(d.getters, nil)
		}
		schemas = append(schemas, d.schema)
	}
	for _, o := range objs {
		d := m.byPath[o.Path]
		var menus []string
		for a := d; a != nil; a = a.parent {
			menus = append(menus, a.tr.Menus...)
		}
		var walk func(*objDef)
		walk = func(x *objDef) {
			menus = append(menus, x.tr.Menus...)
			for _, c := range x.children {
				walk(c)
			}
		}
		walk(d)
		slices.Sort(menus)
		d.menus = slices.Compact(menus)
	}
	m.schema = dm.NewSchema(schemas)
	return m
}

// Schema returns the supported data model.
func (m *Model) Schema() *dm.Schema { return m.schema }

// child returns the child object named name.
func (d *objDef) child(name string) *objDef {
	for _, c := range d.children {
		if c.name == name {
			return c
		}
	}
	return nil
}
