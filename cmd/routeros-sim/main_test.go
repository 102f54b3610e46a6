package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/routeros/sim"
	"github.com/uspbridge/uspbridge/routeros/wire"
)

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	args := []string{"-listen", "127.0.0.1:0", "-count", "3", "-user", "ops", "-password", "pw", "-no-empty", "-log-level", "warn"}
	if path, err := sim.SharedFixture("exports", "crs317-7.17.rsc"); err == nil {
		args = append(args, "-export", path)
	}
	go func() {
		done <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var lines []string
	for len(lines) < 3 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 3 {
		t.Fatalf("output %q", lines)
	}
	serials := map[string]bool{}
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) < 5 || !strings.HasPrefix(f[3], "serial=") {
			t.Fatalf("line %q", l)
		}
		serials[f[3]] = true
		if i > 0 && !strings.Contains(f[1], "-"+string(rune('1'+i))+`"`) {
			t.Errorf("identity of router %d: %s", i+1, f[1])
		}
	}
	if len(serials) != 3 {
		t.Errorf("serials not distinct: %q", lines)
	}
	conn, err := net.DialTimeout("tcp", strings.Fields(lines[1])[0], 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	w, r := wire.NewWriter(conn), wire.NewReader(conn)
	if err := w.WriteSentence("/login", "=name=ops", "=password=pw"); err != nil {
		t.Fatal(err)
	}
	if s, err := r.ReadSentence(); err != nil || s[0] != "!done" {
		t.Fatalf("login: %q %v", s, err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{{"-count", "0"}, {"-log-level", "loud"}, {"-listen", "nowhere"}, {"extra"}, {"-export", "/nonexistent.rsc"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
