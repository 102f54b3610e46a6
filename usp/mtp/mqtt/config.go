package mqtt

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New to zero Config fields. They are the TR-181 defaults
// of the corresponding Device.MQTT.Client.{i}. parameters where one exists.
const (
	DefaultKeepAlive                      = 60 * time.Second    // KeepAliveTime (R-MQTT.14)
	DefaultConnectRetryTime               = 5 * time.Second     // ConnectRetryTime (R-MQTT.10)
	DefaultConnectRetryIntervalMultiplier = 2000                // ConnectRetryIntervalMultiplier, per mille
	DefaultConnectRetryMaxInterval        = 30720 * time.Second // ConnectRetryMaxInterval
	DefaultMaxInFlight                    = 64                  // concurrent Handler calls per Client
	DefaultTimeout                        = 10 * time.Second    // one connection attempt; one PUBACK wait
)

// maxRetryExponent caps the retry count n in the back-off window: from the
// 10th retry on, every wait is drawn from the 10th window.
const maxRetryExponent = 10

// Config configures one Client, that is one MQTT connection of one USP
// Endpoint. Zero fields take the Default* values. It mirrors the parameters of
// Device.MQTT.Client.{i}. and Device.LocalAgent.MTP.{i}.MQTT. that an Agent
// exposes.
type Config struct {
	// BrokerURL is the MQTT server: mqtt:// or tcp:// (default port 1883),
	// mqtts://, ssl:// or tls:// (default port 8883), ws:// or wss:// (path
	// kept, e.g. wss://broker/mqtt). MQTT over TCP is mandatory for Agents
	// (R-MQTT.3); TLS 1.2 or later via TLS (R-MQTT.48).
	BrokerURL string

	// ClientID is the MQTT ClientId. It should be stable (R-MQTT.11); the
	// bridge derives it from the Endpoint ID. When empty, the CONNECT carries
	// an empty ClientId and the server's Assigned Client Identifier is used for
	// every later connection of this Client (R-MQTT.8, R-MQTT.9); read it back
	// with Client.ClientID to persist it.
	ClientID string

	// EndpointID is this endpoint's USP Endpoint ID, sent as the CONNECT User
	// Property "usp-endpoint-id" (R-MQTT.13). Required.
	EndpointID string

	// Topic is the exact topic this endpoint receives on and its "reply to"
	// topic: it is subscribed after every CONNACK (R-MQTT.15) and sent as the
	// Response Topic of every PUBLISH (R-MQTT.22, R-MQTT.23). For an Agent it
	// is Device.LocalAgent.MTP.{i}.MQTT.ResponseTopicConfigured (the bridge
	// uses agent_topic_prefix + EndpointID); for a Controller, its own reply
	// topic. Required; wildcards are not allowed.
	Topic string

	// Username and Password are sent in CONNECT when non-empty (R-MQTT.7).
	// Password is never logged.
	Username string
	Password string

	// TLS configures mqtts/ssl/tls and wss connections; nil uses the system
	// roots. ServerName defaults to the BrokerURL host.
	TLS *tls.Config

	// KeepAlive is the CONNECT Keep Alive (R-MQTT.14), in whole seconds up to
	// 65535 s; default 60 s. A server-imposed Keep Alive in CONNACK wins.
	KeepAlive time.Duration

	// QoS0 makes the Client subscribe and publish at QoS 0 instead of QoS 1
	// (R-MQTT.20; Device.LocalAgent.MTP.{i}.MQTT.PublishQoS).
	QoS0 bool

	// Retry is the reconnection back-off (R-MQTT.10, R-MQTT.33).
	Retry RetryPolicy

	// MaxInFlight bounds concurrent Handler calls (default 64) and is sent as
	// the CONNECT Receive Maximum, so a server that enforces it (Mosquitto
	// does, the embedded broker does not) queues what exceeds it: MQTT 5 flow
	// control instead of memory in this process. QoS 0 PUBLISHes that arrive
	// while all slots are busy are dropped and counted.
	MaxInFlight int

	// Timeout bounds each connection attempt (dial, TLS or WebSocket
	// handshake, CONNACK and SUBACK) and each PUBACK wait; default 10 s.
	Timeout time.Duration

	// Logger receives connection events (attributes component=mqtt,
	// endpoint_id); nil discards them.
	Logger *slog.Logger
}

// RetryPolicy is the MQTT connection retry mechanism of R-MQTT.10 and
// R-MQTT.33, configured like Device.MQTT.Client.{i}.ConnectRetryTime,
// ConnectRetryIntervalMultiplier and ConnectRetryMaxInterval. The wait before
// retry n (n = 1 after the first failure or after losing an established
// connection) is drawn uniformly from
//
//	[T·(M/1000)^(n−1), T·(M/1000)^n]
//
// with n capped at 10 and both bounds capped at ConnectRetryMaxInterval. The
// count restarts after every successful connection (CONNACK and SUBACK).
type RetryPolicy struct {
	// ConnectRetryTime is T, the minimum first wait; default 5 s.
	ConnectRetryTime time.Duration
	// ConnectRetryIntervalMultiplier is M, per mille (2000 = ×2.0), at least
	// 1000; default 2000.
	ConnectRetryIntervalMultiplier uint32
	// ConnectRetryMaxInterval caps every wait; default 30720 s.
	ConnectRetryMaxInterval time.Duration
}

// withDefaults returns p with zero fields set to the TR-181 defaults.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.ConnectRetryTime == 0 {
		p.ConnectRetryTime = DefaultConnectRetryTime
	}
	if p.ConnectRetryIntervalMultiplier == 0 {
		p.ConnectRetryIntervalMultiplier = DefaultConnectRetryIntervalMultiplier
	}
	if p.ConnectRetryMaxInterval == 0 {
		p.ConnectRetryMaxInterval = DefaultConnectRetryMaxInterval
	}
	return p
}

func (p RetryPolicy) validate() error {
	switch {
	case p.ConnectRetryTime < 0:
		return errors.New("ConnectRetryTime must be positive")
	case p.ConnectRetryIntervalMultiplier != 0 && p.ConnectRetryIntervalMultiplier < 1000:
		return errors.New("ConnectRetryIntervalMultiplier must be at least 1000")
	case p.ConnectRetryMaxInterval < 0:
		return errors.New("ConnectRetryMaxInterval must be positive")
	}
	return nil
}

// Window returns the bounds of the wait before retry n (R-MQTT.10): lo =
// T·(M/1000)^(n−1) and hi = T·(M/1000)^n with n capped at 10, both capped at
// ConnectRetryMaxInterval. Zero fields take their defaults; n < 1 gives 0, 0.
func (p RetryPolicy) Window(n int) (lo, hi time.Duration) {
	if n < 1 {
		return 0, 0
	}
	p = p.withDefaults()
	n = min(n, maxRetryExponent)
	t := float64(p.ConnectRetryTime)
	k := float64(p.ConnectRetryIntervalMultiplier) / 1000
	ceiling := float64(p.ConnectRetryMaxInterval)
	lof := min(t*math.Pow(k, float64(n-1)), ceiling)
	hif := min(t*math.Pow(k, float64(n)), ceiling)
	return time.Duration(lof), time.Duration(hif)
}

// Delay returns the wait before retry n for a uniform random u in [0, 1):
// lo + u·(hi−lo) with lo, hi from Window. The Client draws u from
// math/rand/v2; tests pass fixed values.
func (p RetryPolicy) Delay(n int, u float64) time.Duration {
	lo, hi := p.Window(n)
	u = min(max(u, 0), 1)
	return lo + time.Duration(u*float64(hi-lo))
}

// defaultPort returns the default port of an accepted BrokerURL scheme.
func defaultPort(scheme string) (port string, ok bool) {
	switch scheme {
	case "mqtt", "tcp":
		return "1883", true
	case "mqtts", "ssl", "tls":
		return "8883", true
	case "ws":
		return "80", true
	case "wss":
		return "443", true
	}
	return "", false
}

// normalize validates c and returns it with defaults applied and the parsed
// broker URL.
func (c Config) normalize() (Config, *url.URL, error) {
	u, err := url.Parse(c.BrokerURL)
	if err != nil {
		return c, nil, fmt.Errorf("mqtt: invalid BrokerURL: %w", err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if _, ok := defaultPort(u.Scheme); !ok {
		return c, nil, fmt.Errorf("mqtt: BrokerURL %q: unsupported scheme %q", u.Redacted(), u.Scheme)
	}
	if u.Hostname() == "" {
		return c, nil, fmt.Errorf("mqtt: BrokerURL %q: missing host", u.Redacted())
	}
	if c.EndpointID == "" {
		return c, nil, errors.New("mqtt: EndpointID is required (R-MQTT.13)")
	}
	if c.Topic == "" {
		return c, nil, errors.New("mqtt: Topic is required (R-MQTT.15, R-MQTT.22)")
	}
	if strings.ContainsAny(c.Topic, "+#") {
		return c, nil, fmt.Errorf("mqtt: Topic %q must be an exact topic, not a filter", c.Topic)
	}
	if c.KeepAlive < 0 || c.KeepAlive > math.MaxUint16*time.Second {
		return c, nil, fmt.Errorf("mqtt: KeepAlive %v out of range [0, 65535s]", c.KeepAlive)
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if err := c.Retry.validate(); err != nil {
		return c, nil, fmt.Errorf("mqtt: Retry: %w", err)
	}
	c.Retry = c.Retry.withDefaults()
	if c.MaxInFlight < 0 || c.MaxInFlight > math.MaxUint16 {
		return c, nil, fmt.Errorf("mqtt: MaxInFlight %d out of range [1, 65535]", c.MaxInFlight)
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.Timeout < 0 {
		return c, nil, fmt.Errorf("mqtt: Timeout %v must be positive", c.Timeout)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, u, nil
}

// keepAliveSeconds is the CONNECT Keep Alive field: whole seconds, rounded up.
func (c Config) keepAliveSeconds() uint16 {
	return uint16((c.KeepAlive + time.Second - 1) / time.Second)
}
