// Package store persists the bridge's state in one bbolt file under
// state_dir: per device, named kinds of small key/value records (instance
// numbers, identity; later subscriptions, CWMP attributes, pending events).
//
// It is a plain byte store; callers own the encoding. Every Save is one
// transaction, fsynced before it returns, so what a caller reported to a
// controller after Save survives a crash.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the state file's name inside state_dir.
const FileName = "uspbridge.db"

// DB is an open state store. It is safe for concurrent use.
type DB struct {
	b *bolt.DB
}

// Open opens (creating if needed) the store in dir. A file that is not a valid
// store, or one locked by another process, is an error that says so: the
// bridge must never silently start from empty state, because instance numbers
// controllers rely on would change.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("state store %s is locked by another process (is another uspbridge running with the same state_dir?)", path)
		}
		return nil, fmt.Errorf("state store %s cannot be opened (corrupt or not a uspbridge state file; restore it from a backup or move it away to start afresh, which renumbers instances): %w", path, err)
	}
	return &DB{b: b}, nil
}

// Close closes the store.
func (db *DB) Close() error { return db.b.Close() }

// Load returns the value stored under device/kind/key, or nil when absent.
func (db *DB) Load(device, kind, key string) ([]byte, error) {
	var out []byte
	err := db.b.View(func(tx *bolt.Tx) error {
		kb := kindBucket(tx, device, kind)
		if kb == nil {
			return nil
		}
		if v := kb.Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// LoadAll returns every key/value of device/kind.
func (db *DB) LoadAll(device, kind string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := db.b.View(func(tx *bolt.Tx) error {
		kb := kindBucket(tx, device, kind)
		if kb == nil {
			return nil
		}
		return kb.ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	return out, err
}

// Save writes all of kv under device/kind in one transaction. A nil value
// deletes its key.
func (db *DB) Save(device, kind string, kv map[string][]byte) error {
	if len(kv) == 0 {
		return nil
	}
	return db.b.Update(func(tx *bolt.Tx) error {
		db, err := tx.CreateBucketIfNotExists([]byte(device))
		if err != nil {
			return err
		}
		kb, err := db.CreateBucketIfNotExists([]byte(kind))
		if err != nil {
			return err
		}
		for k, v := range kv {
			if v == nil {
				err = kb.Delete([]byte(k))
			} else {
				err = kb.Put([]byte(k), v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func kindBucket(tx *bolt.Tx, device, kind string) *bolt.Bucket {
	db := tx.Bucket([]byte(device))
	if db == nil {
		return nil
	}
	return db.Bucket([]byte(kind))
}
