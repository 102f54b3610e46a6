package sim

import (
	"context"
	"errors"
	"io"
	"net"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestLoginAndTags(t *testing.T) {
	_, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{Password: "secret"})
	c := dialRaw(t, addr)

	got := c.call("/interface/print", ".tag=1")
	want := [][]string{{"!trap", ".tag=1", "=message=not logged in"}, {"!done", ".tag=1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("before login:\n%s", sentences(got))
	}
	got = c.call("/login", "=name=admin", "=password=wrong", ".tag=x")
	want = [][]string{{"!trap", ".tag=x", "=message=invalid user name or password (6)"}, {"!done", ".tag=x"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("bad login:\n%s", sentences(got))
	}
	c.login("admin", "secret")

	for _, tc := range []struct {
		name, tagWord, want string
	}{
		{"tagged", ".tag=abc", ".tag=abc"},
		{"untagged", "", ""},
		{"empty tag", ".tag=", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			words := []string{"/ip/address/print"}
			if tc.tagWord != "" {
				words = append(words, tc.tagWord)
			}
			got := c.call(words...)
			if len(got) < 2 {
				t.Fatalf("got %q", got)
			}
			for _, s := range got {
				var tags []string
				for _, w := range s {
					if strings.HasPrefix(w, ".tag=") {
						tags = append(tags, w)
					}
				}
				switch {
				case tc.want == "" && len(tags) != 0:
					t.Errorf("%v: unexpected tag", s)
				case tc.want != "" && (len(tags) != 1 || tags[0] != tc.want || s[1] != tc.want):
					t.Errorf("%v: want %s right after the reply word", s, tc.want)
				}
			}
		})
	}
}

func TestCancelOrder(t *testing.T) {
	r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	c := dialRaw(t, addr)
	c.login("admin", "")
	ctx := testCtx(t)

	c.send("/ip/address/listen", ".tag=10")
	if err := r.Wait(ctx, func(s Status) bool { return s.Listens["/ip/address"] == 1 }); err != nil {
		t.Fatal(err)
	}
	// The listen must not block later commands on the same connection.
	if got := c.call("/system/identity/print", ".tag=11"); len(got) != 2 || attrs(got[0])["name"] != "MikroTik" {
		t.Fatalf("print during listen:\n%s", sentences(got))
	}
	rep := mustExec(t, r, "/ip/address/add", "=address=10.9.9.1/24", "=interface=ether3")
	ev := c.read()
	if ev[0] != "!re" || ev[1] != ".tag=10" || attrs(ev)[".id"] != rep.Ret || attrs(ev)["network"] != "10.9.9.0" {
		t.Fatalf("add event: %q", ev)
	}
	mustExec(t, r, "/ip/address/remove", "=.id="+rep.Ret)
	ev = c.read()
	if want := []string{"!re", ".tag=10", "=.id=" + rep.Ret, "=.dead=true"}; !reflect.DeepEqual(ev, want) {
		t.Fatalf("remove event: %q, want %q", ev, want)
	}

	got := [][]string{}
	c.send("/cancel", "=tag=10", ".tag=20")
	for len(got) < 3 {
		got = append(got, c.read())
	}
	want := [][]string{
		{"!trap", ".tag=10", "=category=2", "=message=interrupted"},
		{"!done", ".tag=20"},
		{"!done", ".tag=10"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cancel (REPORT.md §1.8):\n%s", sentences(got))
	}

	// Without =tag= every listen of the connection ends.
	c.send("/interface/listen", ".tag=a")
	c.send("/ip/route/listen", ".tag=b")
	if err := r.Wait(ctx, func(s Status) bool { return s.Listens["/interface"] == 1 && s.Listens["/ip/route"] == 1 }); err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	c.send("/cancel", ".tag=c")
	for len(got) < 5 {
		got = append(got, c.read())
	}
	want = [][]string{
		{"!trap", ".tag=a", "=category=2", "=message=interrupted"},
		{"!trap", ".tag=b", "=category=2", "=message=interrupted"},
		{"!done", ".tag=c"},
		{"!done", ".tag=a"},
		{"!done", ".tag=b"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cancel all:\n%s", sentences(got))
	}
	if err := r.Wait(ctx, func(s Status) bool { return len(s.Listens) == 0 }); err != nil {
		t.Fatal(err)
	}
}

func TestListenOwnChangeOrder(t *testing.T) {
	// A change made on the listening connection: the set's !done comes
	// before the event (API manual, "/cancel, simultaneous commands").
	r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	c := dialRaw(t, addr)
	c.login("admin", "")
	c.send("/interface/listen", ".tag=2")
	if err := r.Wait(testCtx(t), func(s Status) bool { return s.Listens["/interface"] == 1 }); err != nil {
		t.Fatal(err)
	}
	c.send("/interface/set", "=disabled=yes", "=.id=ether1", ".tag=3")
	if s := c.read(); !reflect.DeepEqual(s, []string{"!done", ".tag=3"}) {
		t.Fatalf("first: %q", s)
	}
	ev := c.read()
	a := attrs(ev)
	if ev[1] != ".tag=2" || a["name"] != "ether1" || a["disabled"] != "true" || a["running"] != "false" || a[".id"] != "*1" {
		t.Fatalf("event: %q", ev)
	}
}

func TestQuit(t *testing.T) {
	_, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	c := dialRaw(t, addr)
	c.login("admin", "")
	c.send("/quit")
	if s := c.read(); !reflect.DeepEqual(s, []string{"!fatal", "session terminated on request"}) {
		t.Fatalf("quit: %q", s)
	}
	if _, err := c.readErr(); !errors.Is(err, io.EOF) {
		t.Fatalf("after !fatal: %v, want EOF", err)
	}
}

func TestMalformedInputCloses(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"control byte", []byte{0xF8}},
		{"oversize word before login", []byte{0xC1, 0x00, 0x00}}, // 64 KiB word
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
			c := dialRaw(t, addr)
			if _, err := c.conn.Write(tc.data); err != nil {
				t.Fatal(err)
			}
			if _, err := c.readErr(); !errors.Is(err, io.EOF) {
				t.Fatalf("read: %v, want EOF", err)
			}
			if err := r.Wait(testCtx(t), func(s Status) bool { return s.Sessions == 0 }); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTrapTexts(t *testing.T) {
	_, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	c := dialRaw(t, addr)
	c.login("admin", "")
	chr := Builtin(BuiltinOptions{Model: "CHR"})
	_, chrAddr := startRouter(t, chr, Options{})
	cc := dialRaw(t, chrAddr)
	cc.login("admin", "")

	for _, tc := range []struct {
		name   string
		client *rawClient
		words  []string
		want   [][]string
	}{
		{"unknown menu", c, []string{"/caps-man/print"}, [][]string{
			{"!trap", "=message=no such command or directory (caps-man)"}, {"!trap", "=message=no such command prefix"}, {"!done"}}},
		{"routerboard on CHR", cc, []string{"/system/routerboard/getall", ".tag=7"}, [][]string{
			{"!trap", ".tag=7", "=message=no such command or directory (routerboard)"},
			{"!trap", ".tag=7", "=message=no such command prefix"}, {"!done", ".tag=7"}}},
		{"unknown command", c, []string{"/interface/bridge/vlan/print/terse"}, [][]string{
			{"!trap", "=message=no such command"}, {"!done"}}},
		{"unknown verb", c, []string{"/ip/address/frobnicate"}, [][]string{{"!trap", "=message=no such command"}, {"!done"}}},
		{"add on a fixed menu", c, []string{"/interface/ethernet/add", "=name=x"}, [][]string{{"!trap", "=message=no such command"}, {"!done"}}},
		{"bad id", c, []string{"/ip/address/remove", "=.id=*99"}, [][]string{{"!trap", "=message=no such item (4)"}, {"!done"}}},
		{"unknown parameter", c, []string{"/ip/address/add", "=address=10.1.1.1/24", "=interface=ether2", "=colour=red"},
			[][]string{{"!trap", "=message=unknown parameter"}, {"!done"}}},
		{"read-only parameter", c, []string{"/interface/set", "=.id=ether1", "=running=false"},
			[][]string{{"!trap", "=message=unknown parameter"}, {"!done"}}},
		{"missing interface", c, []string{"/ip/address/add", "=address=192.168.88.1", "=interface=asdf"}, [][]string{
			{"!trap", "=category=1", "=message=input does not match any value of interface"}, {"!done"}}},
		{"bad boolean", c, []string{"/ip/address/set", "=.id=*1", "=disabled=maybe"}, [][]string{
			{"!trap", "=category=1", "=message=input does not match any value of disabled"}, {"!done"}}},
		{"missing argument", c, []string{"/ip/address/add", "=interface=ether2"}, [][]string{
			{"!trap", "=message=missing value(s) of argument(s) address"}, {"!done"}}},
		{"duplicate name", c, []string{"/interface/vlan/add", "=name=ether2", "=vlan-id=5", "=interface=ether1"}, [][]string{
			{"!trap", "=message=failure: already have interface with such name"}, {"!done"}}},
		{"remove a port", c, []string{"/interface/wifi/remove", "=numbers=wifi1"}, [][]string{
			{"!trap", "=message=failure: can not remove built-in interface"}, {"!done"}}},
		{"export", c, []string{"/export"}, [][]string{{"!done"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.client.call(tc.words...); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got:\n%swant:\n%s", sentences(got), sentences(tc.want))
			}
		})
	}
}

func TestEmptyModes(t *testing.T) {
	crs := loadFixture(t, "crs317-7.17.rsc") // 7.17: no !empty by default
	for _, tc := range []struct {
		name  string
		p     *Profile
		mode  EmptyMode
		empty bool
	}{
		{"auto 7.19", Builtin(BuiltinOptions{}), EmptyAuto, true},
		{"auto 7.17", crs, EmptyAuto, false},
		{"off", Builtin(BuiltinOptions{}), EmptyOff, false},
		{"on", crs, EmptyOn, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startRouter(t, tc.p, Options{Empty: tc.mode})
			c := dialRaw(t, addr)
			c.login("admin", "")
			got := c.call("/ip/address/print", "?address=203.0.113.1/24", ".tag=5")
			want := [][]string{{"!done", ".tag=5"}}
			if tc.empty {
				want = [][]string{{"!empty", ".tag=5"}, {"!done", ".tag=5"}}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got:\n%s", sentences(got))
			}
			// count-only carries data: no !empty.
			got = c.call("/ip/address/print", "=count-only=", "?address=203.0.113.1/24")
			if !reflect.DeepEqual(got, [][]string{{"!done", "=ret=0"}}) {
				t.Fatalf("count-only:\n%s", sentences(got))
			}
		})
	}
}

func TestPrintProplist(t *testing.T) {
	_, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	c := dialRaw(t, addr)
	c.login("admin", "")
	got := c.call("/ip/address/print", "=.proplist=no-such-property")
	if len(got) != 3 || !reflect.DeepEqual(got[0], []string{"!re"}) || !reflect.DeepEqual(got[1], []string{"!re"}) {
		t.Fatalf("absent props give bare !re (REPORT.md §1.5):\n%s", sentences(got))
	}
	got = c.call("/interface/print", "=.proplist=name,.id,type", "?type=ether", "?type=wifi", "?#|", "?-comment")
	if len(got) != 8 {
		t.Fatalf("ether or wifi:\n%s", sentences(got))
	}
	if want := []string{"!re", "=name=ether1", "=.id=*1", "=type=ether"}; !reflect.DeepEqual(got[0], want) {
		t.Fatalf("proplist order: %q", got[0])
	}
	// Queries see properties left out of .proplist (node-routeros example
	// in REPORT.md §5.2: ?type=ether with .proplist=.id,name,running).
	if got := c.call("/interface/print", "=.proplist=name", "?type=ether"); len(got) != 6 || !reflect.DeepEqual(got[0], []string{"!re", "=name=ether1"}) {
		t.Fatalf("query on a property outside .proplist:\n%s", sentences(got))
	}
	got = c.call("/system/resource/print", "=.proplist=board-name,version,platform")
	if want := []string{"!re", "=board-name=hAP ax^2", "=version=7.19.4 (stable)", "=platform=MikroTik"}; !reflect.DeepEqual(got[0], want) {
		t.Fatalf("resource: %q", got[0])
	}
}

func TestFaults(t *testing.T) {
	t.Run("hang at login", func(t *testing.T) {
		r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
		r.HangLogin(true)
		c := dialRaw(t, addr)
		c.send("/login", "=name=admin", "=password=")
		c.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		var ne net.Error
		if _, err := c.r.ReadSentence(); !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("login answered: %v", err)
		}
		if s := r.Status(); s.Sessions != 1 || s.LoggedIn != 0 {
			t.Fatalf("status %+v", s)
		}
		r.HangLogin(false)
		c2 := dialRaw(t, addr)
		c2.login("admin", "")
	})
	t.Run("delay", func(t *testing.T) {
		r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
		c := dialRaw(t, addr)
		c.login("admin", "")
		const d = 150 * time.Millisecond
		r.SetDelay(d)
		start := time.Now()
		c.call("/system/identity/print")
		if el := time.Since(start); el < d {
			t.Fatalf("reply after %v, want >= %v", el, d)
		}
		// A reply still delayed does not hold back later ones, and /cancel
		// interrupts its command.
		r.SetDelay(time.Hour)
		n := r.Status().Commands
		c.send("/interface/print", ".tag=slow")
		if err := r.Wait(testCtx(t), func(s Status) bool { return s.Commands > n }); err != nil {
			t.Fatal(err)
		}
		r.SetDelay(0)
		if got := c.call("/system/identity/print", ".tag=fast"); len(got) != 2 || got[0][1] != ".tag=fast" {
			t.Fatalf("fast reply:\n%s", sentences(got))
		}
		got := c.call("/cancel", "=tag=slow", ".tag=c")
		got = append(got, c.read())
		want := [][]string{{"!trap", ".tag=slow", "=category=2", "=message=interrupted"}, {"!done", ".tag=c"}, {"!done", ".tag=slow"}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cancel of a delayed command:\n%s", sentences(got))
		}
	})
	t.Run("drop", func(t *testing.T) {
		r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
		c := dialRaw(t, addr)
		c.login("admin", "")
		if n := r.DropConnections(); n != 1 {
			t.Fatalf("dropped %d", n)
		}
		if _, err := c.readErr(); err == nil {
			t.Fatal("read after drop succeeded")
		}
		if err := r.Wait(testCtx(t), func(s Status) bool { return s.Sessions == 0 }); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refuse and resume", func(t *testing.T) {
		r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
		open := dialRaw(t, addr)
		open.login("admin", "")
		if err := r.StopListening(); err != nil {
			t.Fatal(err)
		}
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			t.Fatal("dial succeeded while not listening")
		}
		if got := open.call("/system/identity/print"); len(got) != 2 {
			t.Fatalf("open session broken: %q", got)
		}
		if err := r.StartListening(); err != nil {
			t.Fatal(err)
		}
		c := dialRaw(t, addr)
		c.login("admin", "")
		if s := r.Status(); !s.Listening || s.Accepted != 2 {
			t.Fatalf("status %+v", s)
		}
	})
	t.Run("link down", func(t *testing.T) {
		r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
		c := dialRaw(t, addr)
		c.login("admin", "")
		c.send("/interface/listen", "=.proplist=name,running", ".tag=l")
		if err := r.Wait(testCtx(t), func(s Status) bool { return s.Listens["/interface"] == 1 }); err != nil {
			t.Fatal(err)
		}
		if err := r.SetLink("ether1", false); err != nil {
			t.Fatal(err)
		}
		if ev := c.read(); !reflect.DeepEqual(ev, []string{"!re", ".tag=l", "=name=ether1", "=running=false"}) {
			t.Fatalf("event %q", ev)
		}
		if err := r.SetLink("bridge", false); err == nil {
			t.Fatal("SetLink on a bridge succeeded")
		}
	})
}

func TestServeStopsOnContext(t *testing.T) {
	before := runtime.NumGoroutine()
	r := NewRouter(Builtin(BuiltinOptions{}), Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Serve(ctx, ln) }()
	c := dialRaw(t, ln.Addr().String())
	c.login("admin", "")
	c.send("/interface/listen", ".tag=1")
	if err := r.Wait(testCtx(t), func(s Status) bool { return s.Listens["/interface"] == 1 }); err != nil {
		t.Fatal(err)
	}
	if err := r.Serve(ctx, ln); err == nil {
		t.Fatal("second Serve succeeded")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := c.readErr(); err == nil {
		t.Fatal("connection open after Serve returned")
	}
	c.conn.Close()
	checkGoroutines(t, before)
}

func TestRebootAndReset(t *testing.T) {
	clk := &fakeClock{t: time.Date(2025, 8, 1, 12, 0, 0, 0, time.UTC)}
	r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{Now: clk.now})
	clk.advance(9*24*time.Hour + 3*time.Hour + 4*time.Minute + 5*time.Second)
	if got := mustExec(t, r, "/system/resource/print").Re[0]["uptime"]; got != "1w2d3h4m5s" {
		t.Fatalf("uptime %q", got)
	}
	mustExec(t, r, "/system/identity/set", "=name=changed")
	c := dialRaw(t, addr)
	c.login("admin", "")
	if got := c.call("/system/reboot"); !reflect.DeepEqual(got, [][]string{{"!done"}}) {
		t.Fatalf("reboot: %q", got)
	}
	if _, err := c.readErr(); err == nil {
		t.Fatal("connection open after reboot")
	}
	if got := mustExec(t, r, "/system/resource/print").Re[0]["uptime"]; got != "0s" {
		t.Fatalf("uptime after reboot %q", got)
	}
	mustExec(t, r, "/system/reset-configuration")
	if got := mustExec(t, r, "/system/identity/print").Re[0]["name"]; got != "MikroTik" {
		t.Fatalf("identity after reset %q", got)
	}
}

func TestPermissions(t *testing.T) {
	r, addr := startRouter(t, Builtin(BuiltinOptions{}), Options{})
	mustExec(t, r, "/user/add", "=name=ro", "=group=read", "=password=pw")
	c := dialRaw(t, addr)
	c.login("ro", "pw")
	if got := c.call("/system/identity/print"); len(got) != 2 {
		t.Fatalf("read: %q", got)
	}
	want := [][]string{{"!trap", "=message=not enough permissions (9)"}, {"!done"}}
	if got := c.call("/system/identity/set", "=name=x"); !reflect.DeepEqual(got, want) {
		t.Fatalf("write: %q", got)
	}
	// Passwords are never printed.
	for _, u := range mustExec(t, r, "/user/print").Re {
		if _, ok := u["password"]; ok {
			t.Fatalf("password printed: %v", u)
		}
	}
}
