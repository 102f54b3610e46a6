package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveLoadAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Save("core", "instances", map[string][]byte{"Device.IP.Interface.": []byte(`{"next":3}`), "x": []byte("1")}); err != nil {
		t.Fatal(err)
	}
	if err := db.Save("core", "instances", map[string][]byte{"x": nil}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := db.Load("core", "instances", "Device.IP.Interface.")
	if err != nil || string(v) != `{"next":3}` {
		t.Fatalf("Load = %q, %v", v, err)
	}
	all, err := db.LoadAll("core", "instances")
	if err != nil || len(all) != 1 {
		t.Fatalf("LoadAll = %v, %v; want the one remaining key", all, err)
	}
	if v, err := db.Load("other", "instances", "x"); v != nil || err != nil {
		t.Fatalf("absent device: %q, %v", v, err)
	}
}

func TestOpenCorrupt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(strings.Repeat("not a bbolt file ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "cannot be opened") {
		t.Fatalf("Open on a corrupt file: %v", err)
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(dir)
	if err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("second Open: %v", err)
	}
}
