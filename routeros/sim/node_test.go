package sim

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNodeRouterOS runs interop/check.js: node-routeros 1.6.9, an
// independent client, against the simulator in pre-7.18 mode (it crashes on
// !empty, REPORT.md §5.2). It skips without node or interop/node_modules
// (npm ci in interop/) unless USPBRIDGE_INTEROP=require.
func TestNodeRouterOS(t *testing.T) {
	required := os.Getenv("USPBRIDGE_INTEROP") == "require"
	skip := func(why string) {
		if required {
			t.Fatalf("USPBRIDGE_INTEROP=require: %s", why)
		}
		t.Skip(why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node not installed")
	}
	dir, err := filepath.Abs("interop")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "node-routeros")); err != nil {
		skip("interop/node_modules missing: run npm ci in routeros/sim/interop")
	}
	_, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{Username: "interop", Password: "s3cret", Empty: EmptyOff})
	host, port, _ := strings.Cut(addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.js", host, port, "interop", "s3cret")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("check.js:\n%s", out)
	if err != nil {
		t.Fatalf("check.js: %v", err)
	}
}
