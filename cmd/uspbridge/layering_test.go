package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/uspbridge/uspbridge"

// TestLayering enforces the import rules of DESIGN.md §2 on every non-test
// Go file: imports flow cmd → {usp, cwmp} → bridge → routeros; only usp
// imports proto; product packages never import the simulator.
func TestLayering(t *testing.T) {
	root := filepath.Join("..", "..")
	rules := []struct {
		from, to, why string
	}{
		{"usp", "routeros", "the USP front talks to routers only through bridge"},
		{"cwmp", "routeros", "the CWMP front talks to routers only through bridge"},
		{"bridge", "usp", "the core is protocol-neutral"},
		{"bridge", "cwmp", "the core is protocol-neutral"},
		{"bridge", "proto", "the core is protocol-neutral"},
		{"bridge", "cmd", "only cmd wires"},
		{"routeros", "bridge", "routeros imports none of our packages but routeros/..."},
		{"routeros", "usp", "routeros imports none of our packages but routeros/..."},
		{"routeros", "cwmp", "routeros imports none of our packages but routeros/..."},
		{"routeros", "proto", "routeros imports none of our packages but routeros/..."},
		{"cwmp", "proto", "only usp imports proto"},
		{"cwmp", "usp", "the fronts are independent"},
		{"usp", "cwmp", "the fronts are independent"},
		{"bridge", "routeros/sim", "product code never imports the simulator"},
		{"usp", "routeros/sim", "product code never imports the simulator"},
		{"cwmp", "routeros/sim", "product code never imports the simulator"},
		{"routeros", "routeros/sim", "product code never imports the simulator"},
	}
	under := func(pkg, prefix string) bool { return pkg == prefix || strings.HasPrefix(pkg, prefix+"/") }
	files := 0
	err := walkGo(root, func(path string) error {
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(ip, module+"/") {
				continue
			}
			target := strings.TrimPrefix(ip, module+"/")
			for _, r := range rules {
				if under(pkg, r.from) && under(target, r.to) && !(r.from == "routeros" && r.to == "routeros/sim" && under(pkg, "routeros/sim")) {
					t.Errorf("%s imports %s: %s", path, target, r.why)
				}
			}
			if under(target, "proto/gen") && !under(pkg, "usp") && !under(pkg, "proto") {
				t.Errorf("%s imports %s: only usp imports proto", path, target)
			}
			if under(target, "cmd") {
				t.Errorf("%s imports %s: nothing imports a command", path, target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("only %d files checked; is the walk rooted right?", files)
	}
}

// TestPackageDocs requires a package doc comment in every package.
func TestPackageDocs(t *testing.T) {
	root := filepath.Join("..", "..")
	docs := map[string]bool{}
	err := walkGo(root, func(path string) error {
		dir := filepath.Dir(path)
		if _, ok := docs[dir]; !ok {
			docs[dir] = false
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Doc != nil && len(strings.TrimSpace(f.Doc.Text())) > 0 {
			docs[dir] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, ok := range docs {
		if !ok && !strings.Contains(dir, filepath.Join("proto", "gen")) {
			t.Errorf("package in %s has no package doc comment", dir)
		}
	}
}

// walkGo calls f for every non-test Go file under root, skipping hidden
// directories, testdata and node_modules.
func walkGo(root string, f func(path string) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "node_modules" || n == "testdata" || strings.HasPrefix(n, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		return f(path)
	})
}
