package sim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	routeros "github.com/go-routeros/routeros/v3"
	"github.com/go-routeros/routeros/v3/proto"
)

// TestGoRouterOS drives the simulator with go-routeros v3.0.1, an
// independent client (REPORT.md §2).
func TestGoRouterOS(t *testing.T) {
	r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{Password: "pw"})

	t.Run("login failure", func(t *testing.T) {
		_, err := routeros.DialTimeout(addr, "admin", "wrong", 5*time.Second)
		if err == nil || !strings.Contains(err.Error(), "invalid user name or password (6)") {
			t.Fatalf("err %v", err)
		}
	})

	c, err := routeros.DialTimeout(addr, "admin", "pw", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	t.Run("print proplist and query", func(t *testing.T) {
		rep, err := c.Run("/interface/print", "=.proplist=name,type", "?type=ether", "?type=bridge", "?#|")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range rep.Re {
			if len(s.Map) != 2 {
				t.Errorf("proplist not honoured: %v", s.Map)
			}
			names = append(names, s.Map["name"])
		}
		if got := strings.Join(names, ","); got != "ether1,ether2,ether3,ether4,ether5,bridge" {
			t.Fatalf("names %s", got)
		}
	})

	t.Run("add set remove", func(t *testing.T) {
		rep, err := c.Run("/ip/address/add", "=address=10.10.10.1/24", "=interface=ether3")
		if err != nil {
			t.Fatal(err)
		}
		id := rep.Done.Map["ret"]
		if !strings.HasPrefix(id, "*") {
			t.Fatalf("ret %q", id)
		}
		if _, err := c.Run("/ip/address/set", "=.id="+id, "=comment=go-routeros"); err != nil {
			t.Fatal(err)
		}
		rep, err = c.Run("/ip/address/print", "?comment=go-routeros")
		if err != nil || len(rep.Re) != 1 || rep.Re[0].Map["network"] != "10.10.10.0" || rep.Re[0].Map[".id"] != id {
			t.Fatalf("print: %v %v", rep, err)
		}
		if _, err := c.Run("/ip/address/remove", "=numbers="+id); err != nil {
			t.Fatal(err)
		}
		if rep, err = c.Run("/ip/address/print", "=count-only=", "?comment=go-routeros"); err != nil || rep.Done.Map["ret"] != "0" {
			t.Fatalf("count-only: %v %v", rep, err)
		}
	})

	t.Run("traps", func(t *testing.T) {
		for _, tc := range []struct {
			words []string
			msg   string
		}{
			{[]string{"/ip/address/remove", "=.id=*99"}, "no such item (4)"},
			{[]string{"/caps-man/print"}, "no such command prefix"}, // sync mode keeps the last trap
			{[]string{"/ip/address/print/terse"}, "no such command"},
			{[]string{"/ip/address/add", "=address=1.2.3.4/32", "=interface=nope"}, "input does not match any value of interface"},
			{[]string{"/ip/address/add", "=bogus=1"}, "unknown parameter"},
		} {
			_, err := c.RunArgs(tc.words)
			var de *routeros.DeviceError
			if !errors.As(err, &de) || de.Sentence.Map["message"] != tc.msg {
				t.Errorf("%v: %v, want %q", tc.words, err, tc.msg)
			}
		}
	})

	t.Run("empty", func(t *testing.T) {
		rep, err := c.Run("/ip/address/print", "?address=203.0.113.9/32")
		if err != nil || len(rep.Re) != 0 {
			t.Fatalf("!empty print: %v %v", rep, err)
		}
	})

	t.Run("listen", func(t *testing.T) {
		// Listen switches a client to async mode; use its own connection.
		lc, err := routeros.DialTimeout(addr, "admin", "pw", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer lc.Close()
		lc.Queue = 16
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel() // ends go-routeros' per-listen goroutine (REPORT.md §2.4 #5)
		l, err := lc.ListenArgsContext(ctx, []string{"/ip/address/listen"})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Wait(testCtx(t), func(s Status) bool { return s.Listens["/ip/address"] == 1 }); err != nil {
			t.Fatal(err)
		}
		next := func() *proto.Sentence {
			t.Helper()
			select {
			case s, ok := <-l.Chan():
				if !ok {
					t.Fatalf("listen ended: %v", l.Err())
				}
				return s
			case <-time.After(5 * time.Second):
				t.Fatal("no listen event")
			}
			return nil
		}
		id := mustExec(t, r, "/ip/address/add", "=address=10.20.30.1/24", "=interface=ether4").Ret
		if s := next(); s.Map[".id"] != id || s.Map["address"] != "10.20.30.1/24" || s.Map["invalid"] != "false" {
			t.Fatalf("add event %v", s.Map)
		}
		mustExec(t, r, "/ip/address/set", "=.id="+id, "=disabled=yes")
		if s := next(); s.Map[".id"] != id || s.Map["disabled"] != "true" {
			t.Fatalf("set event %v", s.Map)
		}
		mustExec(t, r, "/ip/address/remove", "=.id="+id)
		if s := next(); s.Map[".id"] != id || s.Map[".dead"] != "true" {
			t.Fatalf("remove event %v", s.Map)
		}
		// go-routeros registers a Run's tag after sending it (REPORT.md
		// §2.4 #4); a reply delay keeps the /cancel reply behind that.
		r.SetDelay(50 * time.Millisecond)
		defer r.SetDelay(0)
		if _, err := l.Cancel(); err != nil {
			t.Fatal(err)
		}
		for range l.Chan() {
		}
		if l.Err() != nil || l.Done == nil || l.Done.Word != "!trap" || l.Done.Map["category"] != "2" {
			t.Fatalf("listen end: %v %v", l.Done, l.Err())
		}
	})
}
