package bridge

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/routeros/sim"
)

// bbfRow is one row of BBF's TR-181 2.19 USP table
// (shared/reference/tr181-2.19-usp.tsv).
type bbfRow struct {
	kind, typ, access string
	keys              [][]string
}

func loadBBF(t *testing.T) map[string]bbfRow {
	t.Helper()
	path, err := sim.SharedReference("tr181-2.19-usp.tsv")
	if err != nil {
		t.Fatalf("BBF table: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("BBF table: %v", err)
	}
	defer f.Close()
	rows := map[string]bbfRow{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		for len(cols) < 5 {
			cols = append(cols, "")
		}
		r := bbfRow{kind: cols[1], typ: cols[2], access: cols[3]}
		for _, k := range strings.Split(cols[4], ";") {
			if k != "" {
				r.keys = append(r.keys, strings.Split(k, "+"))
			}
		}
		rows[cols[0]] = r
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestSchemaMatchesBBF checks every object and parameter the bridge declares
// against BBF's TR-181 2.19 table: the path exists, the type is the one BBF
// gives, writability never exceeds BBF's, and unique keys are BBF's.
// Vendor extensions (X_MIKROTIK_) are exempt.
func TestSchemaMatchesBBF(t *testing.T) {
	bbf := loadBBF(t)
	m := NewModel()
	nParams := 0
	for _, o := range m.Schema().Objects {
		row, ok := bbf[o.Path]
		if !ok || row.kind != "object" {
			t.Errorf("object %s is not in TR-181 2.19", o.Path)
			continue
		}
		if o.Multi != (row.typ == "multi") {
			t.Errorf("%s: multi = %v, BBF says %s", o.Path, o.Multi, row.typ)
		}
		if o.Access != dm.ObjReadOnly && row.access != "readWrite" {
			t.Errorf("%s: declared creatable, BBF says %s", o.Path, row.access)
		}
		for _, k := range o.UniqueKeys {
			if !slices.ContainsFunc(row.keys, func(b []string) bool { return slices.Equal(b, k) }) {
				t.Errorf("%s: unique key %v is not one of BBF's %v", o.Path, k, row.keys)
			}
		}
		for _, p := range o.Params {
			nParams++
			if strings.HasPrefix(p.Name, "X_") {
				continue
			}
			full := o.Path + p.Name
			pr, ok := bbf[full]
			if !ok || pr.kind != "parameter" {
				t.Errorf("parameter %s is not in TR-181 2.19", full)
				continue
			}
			if !typeMatches(p.Type, pr.typ) {
				t.Errorf("%s: type %s, BBF says %s", full, p.Type, pr.typ)
			}
			if p.Access != dm.ReadOnly && pr.access != "readWrite" && pr.access != "writeOnly" {
				t.Errorf("%s: declared writable, BBF says %s", full, pr.access)
			}
		}
	}
	if nParams < 30 {
		t.Fatalf("only %d parameters declared", nParams)
	}
}

func typeMatches(t dm.DataType, bbf string) bool {
	list := strings.HasPrefix(bbf, "list:")
	if list != t.List {
		return false
	}
	bbf = strings.TrimPrefix(bbf, "list:")
	if t.Named != "" {
		return bbf == t.Named || bbf == t.Base.String()+"("+t.Named+")"
	}
	return bbf == t.Base.String()
}
