package bridge

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/bridge/tr181"
	"github.com/uspbridge/uspbridge/routeros"
)

const kindMeta = "meta"

// Device is the TR-181 model of one router: the API both fronts call.
// All methods are safe for concurrent use. Errors are *dm.Error values whose
// Kind the fronts translate (USP 7xxx, CWMP 9xxx).
type Device struct {
	name  string
	model *Model
	ros   *routeros.Client
	st    Store
	log   *slog.Logger
	reads reads
	inst  *instances

	idMu     sync.Mutex
	identity *Identity
}

// NewDevice returns the model of the router that ros talks to. name is the
// configured device name; it keys the device's persistent state in st. It
// does no I/O.
func NewDevice(name string, model *Model, ros *routeros.Client, st Store, log *slog.Logger) *Device {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Device{
		name:  name,
		model: model,
		ros:   ros,
		st:    st,
		log:   log.With("device", name),
		inst:  &instances{device: name, st: st},
	}
}

// Name returns the device's configured name.
func (d *Device) Name() string { return d.name }

// Schema returns the supported data model (static for the process lifetime).
func (d *Device) Schema() *dm.Schema { return d.model.schema }

// RouterChanged returns a channel closed at the next connect or disconnect of
// the router's API session, for callers waiting for the router.
func (d *Device) RouterChanged() <-chan struct{} { return d.ros.Changed() }

// Run keeps the RouterOS session of the device up until ctx ends.
func (d *Device) Run(ctx context.Context) error { return d.ros.Run(ctx) }

// Identity returns the router's identity. It is read from the router the
// first time, persisted, and served from the state store while the router is
// unreachable, so a known router keeps its Endpoint ID across bridge restarts
// even when it is down.
func (d *Device) Identity(ctx context.Context) (Identity, error) {
	d.idMu.Lock()
	defer d.idMu.Unlock()
	if d.identity != nil {
		return *d.identity, nil
	}
	snap := d.newSnapshot(ctx)
	snap.prefetch(tr181.IdentityMenus())
	readErr := snap.failure()
	if readErr == nil {
		ti := tr181.IdentityOf(snap)
		id := Identity(ti)
		if id.OUI == "" || id.SerialNumber == "" {
			return Identity{}, dm.Errorf(dm.KindInternal, "", "router %q: cannot determine its identity (OUI %q, serial number %q)", d.name, id.OUI, id.SerialNumber)
		}
		if err := d.saveIdentity(id); err != nil {
			return Identity{}, err
		}
		d.identity = &id
		return id, nil
	}
	stored, err := d.st.LoadAll(d.name, kindMeta)
	if err != nil {
		return Identity{}, fmt.Errorf("load identity of %q: %w", d.name, err)
	}
	if raw, ok := stored["identity"]; ok {
		var id Identity
		if err := json.Unmarshal(raw, &id); err == nil {
			return id, nil // not cached: the next call checks the router again
		}
	}
	return Identity{}, readErr
}

func (d *Device) saveIdentity(id Identity) error {
	stored, err := d.st.LoadAll(d.name, kindMeta)
	if err != nil {
		return fmt.Errorf("load identity of %q: %w", d.name, err)
	}
	raw, _ := json.Marshal(id)
	if old, ok := stored["identity"]; ok {
		if string(old) == string(raw) {
			return nil
		}
		var prev Identity
		if json.Unmarshal(old, &prev) == nil && prev.EndpointID() != id.EndpointID() {
			d.log.Warn("router identity changed: a different router answers at this address", "old", prev.EndpointID(), "new", id.EndpointID())
		}
	}
	return d.st.Save(d.name, kindMeta, map[string][]byte{"identity": raw})
}

// request prepares a snapshot and tree for path.
func (d *Device) request(ctx context.Context, path string) (dm.Path, *tree, error) {
	p, err := dm.ParsePath(path)
	if err != nil {
		return dm.Path{}, nil, err
	}
	def, err := d.model.check(p, path)
	if err != nil {
		return dm.Path{}, nil, err
	}
	if err := d.inst.load(); err != nil {
		return dm.Path{}, nil, &dm.Error{Kind: dm.KindInternal, Msg: "state store error", Err: err}
	}
	snap := d.newSnapshot(ctx)
	snap.prefetch(def.menus)
	return p, d.newTree(snap), nil
}

// finish reports a read failure (which outranks any result built on missing
// data) and makes new instance numbers durable before they are returned.
func (d *Device) finish(t *tree, err error) error {
	if ferr := t.snap.failure(); ferr != nil {
		return ferr
	}
	if err != nil {
		return err
	}
	if ferr := d.inst.flush(); ferr != nil {
		return &dm.Error{Kind: dm.KindInternal, Msg: "state store error", Err: ferr}
	}
	return nil
}

// Get resolves path (object, partial, instance or parameter path; wildcards
// and search expressions allowed) and returns every matching object with its
// parameters, parents before children. maxDepth limits how many object
// levels below each matched object are returned: 0 = all, 1 = only the
// matched objects themselves (TR-369 R-GET.5).
//
// A path outside the supported data model, or a non-search path that matches
// no instance, gives KindInvalidPath (TR-369 R-GET.0); a search path matching
// nothing gives no objects and no error (R-GET.1a). An unreachable router
// gives KindDeviceUnavailable naming the router.
func (d *Device) Get(ctx context.Context, path string, maxDepth int) ([]Object, error) {
	p, t, err := d.request(ctx, path)
	if err != nil {
		return nil, err
	}
	res, err := t.resolve(p, path)
	var out []Object
	if err == nil && res.missing != "" {
		err = dm.Errorf(dm.KindInvalidPath, path, "invalid path %q: object %s does not exist", path, res.missing)
	}
	if err == nil {
		out = d.collect(t, res, maxDepth)
	}
	if err := d.finish(t, err); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *Device) collect(t *tree, res resolved, maxDepth int) []Object {
	var out []Object
	if res.param != "" {
		for _, q := range res.at {
			v, _ := t.value(q.n, res.param)
			out = append(out, Object{Path: q.n.path, Params: []ParamValue{{Name: res.param, Value: v}}})
		}
		return out
	}
	emit := func(n *node) {
		if len(n.def.schema.Params) > 0 {
			out = append(out, Object{Path: n.path, Params: t.params(n)})
		}
	}
	for _, q := range res.at {
		if q.table != nil {
			for _, in := range t.instancesOf(q.n, q.table) {
				t.walk(in, 1, maxDepth, emit)
			}
			continue
		}
		t.walk(q.n, 1, maxDepth, emit)
	}
	return out
}

// GetInstances returns the instances of the table(s) path addresses and, unless
// firstLevelOnly, of every table below them (TR-369 §7.5.2). A path that is not
// a table gives KindNotATable; a non-search path naming a missing instance
// gives KindObjectNotFound.
func (d *Device) GetInstances(ctx context.Context, path string, firstLevelOnly bool) ([]Instance, error) {
	p, t, err := d.request(ctx, path)
	if err != nil {
		return nil, err
	}
	if p.Kind != dm.PathObject {
		return nil, dm.Errorf(dm.KindNotATable, path, "%q is not an object path", path)
	}
	res, err := t.resolve(p, path)
	var out []Instance
	if err == nil && res.missing != "" {
		err = dm.Errorf(dm.KindObjectNotFound, path, "object %s does not exist", res.missing)
	}
	if err == nil {
		out, err = d.instancesOf(t, res, firstLevelOnly, path)
	}
	if err := d.finish(t, err); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *Device) instancesOf(t *tree, res resolved, firstLevelOnly bool, path string) ([]Instance, error) {
	var out []Instance
	add := func(n *node) {
		out = append(out, Instance{Path: n.path, UniqueKeys: uniqueKeys(t, n)})
		if firstLevelOnly {
			return
		}
		t.walk(n, 1, 0, func(x *node) {
			if x != n && x.inst > 0 {
				out = append(out, Instance{Path: x.path, UniqueKeys: uniqueKeys(t, x)})
			}
		})
	}
	for _, q := range res.at {
		switch {
		case q.table != nil:
			for _, in := range t.instancesOf(q.n, q.table) {
				add(in)
			}
		case q.n.inst > 0:
			add(q.n)
		default:
			return nil, dm.Errorf(dm.KindNotATable, path, "%s is not a table", q.n.path)
		}
	}
	return out, nil
}

func uniqueKeys(t *tree, n *node) []ParamValue {
	var out []ParamValue
	seen := map[string]bool{}
	for _, key := range n.def.schema.UniqueKeys {
		for _, name := range key {
			if seen[name] {
				continue
			}
			seen[name] = true
			v, _ := t.value(n, name)
			out = append(out, ParamValue{Name: name, Value: v})
		}
	}
	return out
}
