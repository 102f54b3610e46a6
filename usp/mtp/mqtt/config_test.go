package mqtt

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestRetryPolicyWindowDefaults(t *testing.T) {
	// TR-181 defaults: 5 s, ×2.0, capped at 30720 s; windows 5–10, 10–20, …,
	// 2560–5120 s from the 10th retry on (same series as R-WS.19–21).
	var p RetryPolicy
	tests := []struct {
		n      int
		lo, hi time.Duration
	}{
		{0, 0, 0},
		{-3, 0, 0},
		{1, 5 * time.Second, 10 * time.Second},
		{2, 10 * time.Second, 20 * time.Second},
		{3, 20 * time.Second, 40 * time.Second},
		{9, 1280 * time.Second, 2560 * time.Second},
		{10, 2560 * time.Second, 5120 * time.Second},
		{11, 2560 * time.Second, 5120 * time.Second},
		{1000, 2560 * time.Second, 5120 * time.Second},
	}
	for _, tt := range tests {
		lo, hi := p.Window(tt.n)
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("Window(%d) = [%v, %v], want [%v, %v]", tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestRetryPolicyWindowCapsAndMultiplier(t *testing.T) {
	p := RetryPolicy{
		ConnectRetryTime:               2 * time.Second,
		ConnectRetryIntervalMultiplier: 1500,
		ConnectRetryMaxInterval:        10 * time.Second,
	}
	tests := []struct {
		n      int
		lo, hi time.Duration
	}{
		{1, 2 * time.Second, 3 * time.Second},
		{2, 3 * time.Second, 4500 * time.Millisecond},
		{4, 6750 * time.Millisecond, 10 * time.Second}, // hi 10.125 s capped
		{5, 10 * time.Second, 10 * time.Second},        // both capped
		{10, 10 * time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		lo, hi := p.Window(tt.n)
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("Window(%d) = [%v, %v], want [%v, %v]", tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
	// Multiplier 1000: a constant wait.
	flat := RetryPolicy{ConnectRetryTime: time.Second, ConnectRetryIntervalMultiplier: 1000}
	for n := 1; n <= 12; n++ {
		if lo, hi := flat.Window(n); lo != time.Second || hi != time.Second {
			t.Errorf("multiplier 1000: Window(%d) = [%v, %v], want [1s, 1s]", n, lo, hi)
		}
	}
	// The largest TR-181 values must not overflow.
	huge := RetryPolicy{ConnectRetryTime: 65535 * time.Second, ConnectRetryIntervalMultiplier: 65535, ConnectRetryMaxInterval: 4294967295 * time.Second}
	if lo, hi := huge.Window(10); lo != huge.ConnectRetryMaxInterval || hi != huge.ConnectRetryMaxInterval {
		t.Errorf("huge: Window(10) = [%v, %v], want both %v", lo, hi, huge.ConnectRetryMaxInterval)
	}
}

func TestRetryPolicyDelayWithinWindow(t *testing.T) {
	// Delays drawn from an injected random source always fall inside the
	// TR-369 window of their retry count.
	rng := rand.New(rand.NewPCG(1, 2))
	policies := []RetryPolicy{
		{},
		{ConnectRetryTime: 100 * time.Millisecond, ConnectRetryIntervalMultiplier: 3000, ConnectRetryMaxInterval: time.Minute},
	}
	for _, p := range policies {
		for n := 1; n <= 14; n++ {
			lo, hi := p.Window(n)
			for range 200 {
				d := p.Delay(n, rng.Float64())
				if d < lo || d > hi {
					t.Fatalf("%+v: Delay(%d) = %v outside [%v, %v]", p, n, d, lo, hi)
				}
			}
			if d := p.Delay(n, 0); d != lo {
				t.Errorf("Delay(%d, 0) = %v, want %v", n, d, lo)
			}
			if d := p.Delay(n, 1); d != hi {
				t.Errorf("Delay(%d, 1) = %v, want %v", n, d, hi)
			}
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	valid := Config{BrokerURL: "mqtt://127.0.0.1:1883", EndpointID: "os::48A98A-X", Topic: "usp/agent/os::48A98A-X"}
	h := func(context.Context, Message) {}
	tests := []struct {
		name   string
		modify func(*Config)
		want   string // substring of the error; "" means valid
	}{
		{"valid", func(*Config) {}, ""},
		{"tcp", func(c *Config) { c.BrokerURL = "tcp://broker" }, ""},
		{"mqtts", func(c *Config) { c.BrokerURL = "mqtts://broker:8883" }, ""},
		{"ssl", func(c *Config) { c.BrokerURL = "SSL://broker" }, ""},
		{"wss", func(c *Config) { c.BrokerURL = "wss://broker/mqtt" }, ""},
		{"bad scheme", func(c *Config) { c.BrokerURL = "http://broker" }, "unsupported scheme"},
		{"no host", func(c *Config) { c.BrokerURL = "mqtt://:1883" }, "missing host"},
		{"no endpoint", func(c *Config) { c.EndpointID = "" }, "EndpointID is required"},
		{"no topic", func(c *Config) { c.Topic = "" }, "Topic is required"},
		{"wildcard topic", func(c *Config) { c.Topic = "usp/agent/#" }, "exact topic"},
		{"keepalive", func(c *Config) { c.KeepAlive = 70000 * time.Second }, "KeepAlive"},
		{"multiplier", func(c *Config) { c.Retry.ConnectRetryIntervalMultiplier = 999 }, "at least 1000"},
		{"in flight", func(c *Config) { c.MaxInFlight = -1 }, "MaxInFlight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.modify(&cfg)
			_, err := New(cfg, h, nil)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("New error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := New(valid, nil, nil); err == nil {
		t.Error("New with nil Handler: no error")
	}
}

func TestDefaults(t *testing.T) {
	c, err := New(Config{BrokerURL: "mqtt://h", EndpointID: "e", Topic: "t"}, func(context.Context, Message) {}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.KeepAlive != 60*time.Second || c.cfg.keepAliveSeconds() != 60 {
		t.Errorf("KeepAlive = %v", c.cfg.KeepAlive)
	}
	if c.cfg.MaxInFlight != 64 || cap(c.slots) != 64 {
		t.Errorf("MaxInFlight = %d", c.cfg.MaxInFlight)
	}
	if c.qos != 1 {
		t.Errorf("QoS = %d, want 1", c.qos)
	}
	want := RetryPolicy{ConnectRetryTime: 5 * time.Second, ConnectRetryIntervalMultiplier: 2000, ConnectRetryMaxInterval: 30720 * time.Second}
	if c.cfg.Retry != want {
		t.Errorf("Retry = %+v, want %+v", c.cfg.Retry, want)
	}
	cp := c.connectPacket()
	if cp.ClientID != "" || !cp.CleanStart || cp.KeepAlive != 60 || cp.UsernameFlag || cp.PasswordFlag {
		t.Errorf("CONNECT = %+v", cp)
	}
	if got := cp.Properties.User.Get(UserPropertyEndpointID); got != "e" {
		t.Errorf("usp-endpoint-id = %q", got)
	}
	if *cp.Properties.ReceiveMaximum != 64 {
		t.Errorf("Receive Maximum = %d", *cp.Properties.ReceiveMaximum)
	}
}

func TestTopicMatches(t *testing.T) {
	tests := []struct {
		filter, topic string
		want          bool
	}{
		{"usp/agent/os::1", "usp/agent/os::1", true},
		{"usp/agent/os::1", "usp/agent/os::2", false},
		{"usp/agent/+", "usp/agent/os::1", true},
		{"usp/agent/+", "usp/agent/os::1/x", false},
		{"usp/#", "usp/agent/os::1", true},
		{"usp/agent/os::1/#", "usp/agent/os::1", true},
		{"#", "usp/agent", true},
		{"+/+", "usp/agent", true},
		{"+", "usp/agent", false},
		{"#", "$SYS/broker", false},
		{"+/broker", "$SYS/broker", false},
		{"$SYS/#", "$SYS/broker", true},
		{"usp/agent", "usp/agent/os::1", false},
	}
	for _, tt := range tests {
		if got := topicMatches(tt.filter, tt.topic); got != tt.want {
			t.Errorf("topicMatches(%q, %q) = %v, want %v", tt.filter, tt.topic, got, tt.want)
		}
	}
}
