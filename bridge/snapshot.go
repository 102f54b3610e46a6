package bridge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/routeros"
)

// readTimeout bounds one shared RouterOS print. It is detached from the
// callers' contexts so one impatient caller cannot fail the others sharing it.
const readTimeout = 30 * time.Second

// reads coalesces identical in-flight prints of a device: concurrent
// requests of both fronts for the same menu share one RouterOS read
// (DESIGN.md §2 "read path").
type reads struct {
	mu       sync.Mutex
	inflight map[string]*flight
}

type flight struct {
	done chan struct{}
	recs []routeros.Record
	err  error
}

// print returns the records of menu, joining a print already in flight.
func (r *reads) print(ctx context.Context, ros *routeros.Client, menu string) ([]routeros.Record, error) {
	r.mu.Lock()
	f := r.inflight[menu]
	if f == nil {
		if r.inflight == nil {
			r.inflight = map[string]*flight{}
		}
		f = &flight{done: make(chan struct{})}
		r.inflight[menu] = f
		r.mu.Unlock()
		go func() {
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readTimeout)
			defer cancel()
			f.recs, f.err = ros.Print(fctx, menu)
			r.mu.Lock()
			delete(r.inflight, menu)
			r.mu.Unlock()
			close(f.done)
		}()
	} else {
		r.mu.Unlock()
	}
	select {
	case <-f.done:
		return f.recs, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// snapshot is the request-scoped view of RouterOS menus: each menu is read at
// most once per request, absent menus read as empty, and the first read error
// is kept for the request to report.
type snapshot struct {
	ctx context.Context
	d   *Device

	mu    sync.Mutex
	menus map[string][]routeros.Record
	index map[[2]string]map[string]routeros.Record
	err   error
}

func (d *Device) newSnapshot(ctx context.Context) *snapshot {
	return &snapshot{ctx: ctx, d: d, menus: map[string][]routeros.Record{}, index: map[[2]string]map[string]routeros.Record{}}
}

// prefetch reads menus concurrently.
func (s *snapshot) prefetch(menus []string) {
	var wg sync.WaitGroup
	for _, m := range menus {
		s.mu.Lock()
		_, have := s.menus[m]
		s.mu.Unlock()
		if have {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Menu(m)
		}()
	}
	wg.Wait()
}

// Menu implements tr181.Snapshot.
func (s *snapshot) Menu(menu string) []routeros.Record {
	s.mu.Lock()
	recs, ok := s.menus[menu]
	s.mu.Unlock()
	if ok {
		return recs
	}
	recs, err := s.d.reads.print(s.ctx, s.d.ros, menu)
	if err != nil {
		if routeros.IsNoSuchCommand(err) {
			err = nil // this router has no such menu: no records
		}
		recs = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil && s.err == nil {
		s.err = err
	}
	s.menus[menu] = recs
	return recs
}

// Find implements tr181.Snapshot.
func (s *snapshot) Find(menu, prop, value string) routeros.Record {
	recs := s.Menu(menu)
	key := [2]string{menu, prop}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx, ok := s.index[key]
	if !ok {
		idx = make(map[string]routeros.Record, len(recs))
		for _, r := range recs {
			if v, has := r[prop]; has {
				if _, dup := idx[v]; !dup {
					idx[v] = r
				}
			}
		}
		s.index[key] = idx
	}
	return idx[value]
}

// failure returns the snapshot's read error translated to a *dm.Error that
// names the router, or nil.
func (s *snapshot) failure() error {
	s.mu.Lock()
	err := s.err
	s.mu.Unlock()
	if err == nil {
		return nil
	}
	return s.d.readError(err)
}

// readError turns a RouterOS read failure into the error a front reports.
func (d *Device) readError(err error) error {
	var un *routeros.UnavailableError
	var trap *routeros.TrapError
	switch {
	case errors.As(err, &un):
		return &dm.Error{Kind: dm.KindDeviceUnavailable, Msg: fmt.Sprintf("router %q (%s) is unreachable", d.name, un.Address), Err: err}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		return &dm.Error{Kind: dm.KindDeviceUnavailable, Msg: fmt.Sprintf("router %q did not answer in time", d.name), Err: err}
	case errors.As(err, &trap) && trap.PermissionDenied():
		return &dm.Error{Kind: dm.KindInternal, Msg: fmt.Sprintf("router %q refused %s: the bridge's RouterOS user lacks a policy (%s)", d.name, trap.Command, trap.Messages[0]), Err: err}
	case errors.Is(err, routeros.ErrClosed):
		return &dm.Error{Kind: dm.KindDeviceUnavailable, Msg: fmt.Sprintf("router %q: connection lost", d.name), Err: err}
	default:
		return &dm.Error{Kind: dm.KindInternal, Msg: fmt.Sprintf("router %q: read failed", d.name), Err: err}
	}
}
