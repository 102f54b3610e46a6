package bridge

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Store is the persistence the core needs (package store implements it):
// per device, kinds of byte records.
type Store interface {
	LoadAll(device, kind string) (map[string][]byte, error)
	Save(device, kind string, kv map[string][]byte) error
}

const kindInstances = "instances"

// instances maps RouterOS item keys to TR-181 instance numbers, per table.
// Numbers are allocated once, persisted before any caller sees them, and
// never reused (TR-369 R-ARC.8; DESIGN.md §3 "Instance numbers are stable").
type instances struct {
	device string
	st     Store

	loadOnce sync.Once
	loadErr  error

	mu     sync.Mutex
	tables map[string]*table // by table path with parent instance numbers: "Device.IP.Interface.2.IPv4Address."
	dirty  map[string]bool

	flushMu sync.Mutex // held across Save so a flush never returns before earlier allocations are durable
}

type table struct {
	Next int            `json:"next"` // last number handed out
	Keys map[string]int `json:"keys"` // item key → instance number
}

func (in *instances) load() error {
	in.loadOnce.Do(func() {
		all, err := in.st.LoadAll(in.device, kindInstances)
		if err != nil {
			in.loadErr = fmt.Errorf("load instance numbers of %q: %w", in.device, err)
			return
		}
		in.tables = make(map[string]*table, len(all))
		in.dirty = map[string]bool{}
		for path, raw := range all {
			t := &table{}
			if err := json.Unmarshal(raw, t); err != nil {
				in.loadErr = fmt.Errorf("instance numbers of %q, table %s: corrupt record: %w", in.device, path, err)
				return
			}
			if t.Keys == nil {
				t.Keys = map[string]int{}
			}
			in.tables[path] = t
		}
	})
	return in.loadErr
}

// number returns the instance number of key in the table at tablePath,
// allocating the next one when the key is new.
func (in *instances) number(tablePath, key string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	t := in.tables[tablePath]
	if t == nil {
		t = &table{Keys: map[string]int{}}
		in.tables[tablePath] = t
	}
	if n, ok := t.Keys[key]; ok {
		return n
	}
	t.Next++
	t.Keys[key] = t.Next
	in.dirty[tablePath] = true
	return t.Next
}

// flush persists every allocation made so far. It returns after they are
// durable, including allocations another request is flushing concurrently.
func (in *instances) flush() error {
	in.flushMu.Lock()
	defer in.flushMu.Unlock()
	in.mu.Lock()
	if len(in.dirty) == 0 {
		in.mu.Unlock()
		return nil
	}
	kv := make(map[string][]byte, len(in.dirty))
	for path := range in.dirty {
		b, err := json.Marshal(in.tables[path])
		if err != nil {
			in.mu.Unlock()
			return err
		}
		kv[path] = b
	}
	in.dirty = map[string]bool{}
	in.mu.Unlock()
	if err := in.st.Save(in.device, kindInstances, kv); err != nil {
		// Keep them dirty so the next flush retries; callers fail meanwhile.
		in.mu.Lock()
		for p := range kv {
			in.dirty[p] = true
		}
		in.mu.Unlock()
		return fmt.Errorf("persist instance numbers of %q: %w", in.device, err)
	}
	return nil
}
