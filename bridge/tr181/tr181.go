// Package tr181 is the mapping core: which RouterOS menus and properties make
// up each TR-181 (Device:2) object and parameter. One file per object family
// declares its objects, the menus it reads, how RouterOS items become
// instances, and how each value is derived.
//
// Declarations are data: the engine (package bridge) derives the supported
// data model, read planning and instance numbering from them. Nothing here
// does I/O; everything reads a Snapshot of RouterOS records.
package tr181

import (
	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/routeros"
)

// DataModelVersion is the TR-181 version the mapping follows
// (Device.RootDataModelVersion).
const DataModelVersion = "2.19"

// Snapshot gives the records of RouterOS menus ("/ip/address") as read for one
// request. A menu that does not exist on this router (e.g. /system/routerboard
// on a CHR) reads as no records.
type Snapshot interface {
	Menu(menu string) []routeros.Record
	// Find returns the first record of menu whose property prop equals
	// value, or nil. Snapshots index lazily, so repeated lookups are cheap.
	Find(menu, prop, value string) routeros.Record
}

// Item is what one object instance is built from: usually one RouterOS record.
type Item struct {
	// Key ties the item to a stable instance number: the RouterOS ".id", or
	// another property that survives renames and reboots.
	Key string
	// Rec is the item's primary record (nil for objects built from the whole
	// snapshot, like Device.DeviceInfo.).
	Rec routeros.Record
	// Parent is the item of the enclosing instance (nil at the top).
	Parent *Item
}

// Object declares one TR-181 object.
type Object struct {
	// Path in supported-data-model notation, e.g. "Device.IP.Interface.{i}.".
	Path string
	// Menus lists the RouterOS menus its instances and parameters read.
	Menus      []string
	Access     dm.ObjectAccess
	UniqueKeys [][]string
	Params     []Param
	// Items returns the instances under parent, in order. Only tables
	// (paths ending in "{i}.") have it; a single-instance object shares its
	// parent's item.
	Items func(s Snapshot, parent *Item) []Item
}

// Param declares one parameter.
type Param struct {
	Name     string
	Type     dm.DataType
	Access   dm.ParamAccess
	Volatile bool   // changes on its own (counters, uptime): no value-change notification
	Source   string // RouterOS source, for docs: "/ip/address address"
	// Get returns the value in TR-106 lexical form.
	Get func(s Snapshot, it *Item) string
}

// Objects returns the whole mapping, parents before children.
func Objects() []*Object {
	var out []*Object
	out = append(out, root())
	out = append(out, deviceInfo()...)
	out = append(out, ethernet()...)
	out = append(out, ip()...)
	return out
}

func root() *Object {
	return &Object{
		Path: "Device.",
		Params: []Param{
			{Name: "RootDataModelVersion", Type: str(), Source: "constant", Get: func(Snapshot, *Item) string { return DataModelVersion }},
		},
	}
}

// Type shorthands.
func str() dm.DataType           { return dm.DataType{Base: dm.TypeString} }
func strN(n int) dm.DataType     { return dm.DataType{Base: dm.TypeString, MaxLen: n} }
func boolean() dm.DataType       { return dm.DataType{Base: dm.TypeBoolean} }
func uint32T() dm.DataType       { return dm.DataType{Base: dm.TypeUnsignedInt} }
func uint64T() dm.DataType       { return dm.DataType{Base: dm.TypeUnsignedLong} }
func int32T() dm.DataType        { return dm.DataType{Base: dm.TypeInt} }
func named(n string) dm.DataType { return dm.DataType{Base: dm.TypeString, Named: n} }
func enum(vals ...string) dm.DataType {
	return dm.DataType{Base: dm.TypeString, Enum: vals}
}

// prop returns a getter for a property of the item's record.
func prop(name string) func(Snapshot, *Item) string {
	return func(_ Snapshot, it *Item) string { return it.Rec[name] }
}
