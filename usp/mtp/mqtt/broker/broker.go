// Package broker runs an embedded MQTT 5 server (mochi-mqtt) for tests and
// for the `uspbridge demo` command, so that the USP MQTT MTP can be exercised
// without an external broker.
//
// It is a thin wrapper that takes care of mochi's sharp edges:
//   - mochi logs every connection to stdout by default; Start uses the given
//     slog.Logger and lowers mochi's per-connection chatter to Debug;
//   - mochi's Close can miss connections still in their CONNECT handshake,
//     races its WaitGroup with accepting goroutines, and can deadlock on a
//     recursive read lock when a client disconnects at the same moment; the
//     listener here tracks every accepted connection, disconnects clients
//     without that lock pattern and closes everything, so Close returns with
//     no goroutine left behind;
//   - mochi 2.7.9's handling of a client's Receive Maximum can deadlock two
//     connections (a recursive read lock on the inflight table) and can stall
//     delivery for good (lost send quota); a hook turns it off, so this
//     broker does not enforce Receive Maximum (see disableSendQuota);
//   - per-client buffers are sized for hundreds of clients in one process.
//
// Client IDs and topic levels shaped like USP Endpoint IDs (with ":", ".",
// "%", "-", "_", over 64 characters) are accepted (R-MQTT.47). The broker
// allows every client and topic unless WithACL restricts them.
//
// The package does not import the USP client package or any protocol code.
package broker

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"sync"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Broker is a running embedded MQTT server.
type Broker struct {
	srv       *mochi.Server
	ln        *listener
	scheme    string
	closeOnce sync.Once
	stopAfter func() bool // unregisters the ctx-triggered Close
}

// Option configures Start.
type Option func(*options)

type options struct {
	tls             *tls.Config
	acl             func(clientID, topic string, write bool) bool
	observe         func(Event)
	subscribeTopics func(clientID string) []string
}

// WithTLS makes the listener accept TLS only (URL scheme mqtts).
func WithTLS(cfg *tls.Config) Option {
	return func(o *options) { o.tls = cfg }
}

// WithACL restricts topics (R-MQTT.42): allow is called with write=true for
// each PUBLISH a client sends, and with write=false for each SUBSCRIBE filter
// (a refusal becomes SUBACK reason code 0x87) and for each delivery to a
// subscriber. nil allows everything. allow runs on broker goroutines and must
// not block.
func WithACL(allow func(clientID, topic string, write bool) bool) Option {
	return func(o *options) { o.acl = allow }
}

// WithObserver calls observe for every Event, synchronously on the goroutine
// serving the client concerned, so events of one client arrive in protocol
// order. observe must not block.
func WithObserver(observe func(Event)) Option {
	return func(o *options) { o.observe = observe }
}

// WithSubscribeTopics adds one CONNACK User Property "subscribe-topic" per
// returned Topic Filter to each successful MQTT 5 CONNACK, telling the client
// what to subscribe to (R-MQTT.15, R-MQTT.44).
func WithSubscribeTopics(topics func(clientID string) []string) Option {
	return func(o *options) { o.subscribeTopics = topics }
}

// Start starts a broker listening on addr ("127.0.0.1:0" picks a free port)
// and returns once it accepts connections. It runs until Close is called or
// ctx is done. logger receives mochi's log with per-connection events at
// Debug; nil discards it.
func Start(ctx context.Context, addr string, logger *slog.Logger, opts ...Option) (*Broker, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = slog.New(quietHandler{logger.With("component", "mqtt-broker").Handler()})

	caps := mochi.NewDefaultServerCapabilities()
	caps.MaximumClientWritesPending = 1024 // outbound queue per client: 8 KiB instead of 64 KiB
	srv := mochi.New(&mochi.Options{
		Capabilities:           caps,
		Logger:                 logger,
		SysTopicResendInterval: 60,
	})
	if err := srv.AddHook(&hook{acl: o.acl, observe: o.observe, subscribeTopics: o.subscribeTopics}, nil); err != nil {
		return nil, fmt.Errorf("broker: add hook: %w", err)
	}

	var lc net.ListenConfig
	nl, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("broker: listen: %w", err)
	}
	scheme := "mqtt"
	if o.tls != nil {
		nl = tls.NewListener(nl, o.tls)
		scheme = "mqtts"
	}
	ln := newListener("usp", nl, logger, func() {
		for _, cl := range srv.Clients.GetAll() {
			if !cl.Net.Inline && !cl.Closed() {
				_ = srv.DisconnectClient(cl, packets.ErrServerShuttingDown)
			}
		}
	})
	if err := srv.AddListener(ln); err != nil {
		_ = nl.Close()
		return nil, fmt.Errorf("broker: add listener: %w", err)
	}
	if err := srv.Serve(); err != nil { // fails before starting anything we use
		_ = nl.Close()
		return nil, fmt.Errorf("broker: serve: %w", err)
	}
	b := &Broker{srv: srv, ln: ln, scheme: scheme}
	b.stopAfter = context.AfterFunc(ctx, func() { _ = b.Close() })
	return b, nil
}

// Addr returns the address the broker listens on, host:port.
func (b *Broker) Addr() string { return b.ln.Address() }

// URL returns the broker URL for clients: mqtt://host:port, or mqtts:// with
// WithTLS.
func (b *Broker) URL() string { return b.scheme + "://" + b.Addr() }

// Close disconnects every client with reason code 0x8B (Server shutting
// down), stops listening and waits until every connection goroutine has
// ended. It is safe to call more than once.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		b.stopAfter()
		b.ln.stopAccepting()
		_ = b.srv.Close() // closes clients through listener.Close, then stops hooks
	})
	return nil
}

// EventKind says what a broker Event reports.
type EventKind uint8

// Event kinds.
const (
	// EventConnect: a CONNECT was accepted (before CONNACK is sent).
	EventConnect EventKind = iota + 1
	// EventSubscribe: a SUBSCRIBE was processed (before SUBACK is sent).
	EventSubscribe
	// EventPublish: a client sent a PUBLISH (before it is routed).
	EventPublish
	// EventDisconnect: a client sent a DISCONNECT packet (R-MQTT.35).
	EventDisconnect
	// EventClosed: a client's connection ended, for whatever reason.
	EventClosed
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case EventConnect:
		return "connect"
	case EventSubscribe:
		return "subscribe"
	case EventPublish:
		return "publish"
	case EventDisconnect:
		return "disconnect"
	case EventClosed:
		return "closed"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// UserProperty is an MQTT 5 User Property.
type UserProperty struct{ Key, Value string }

// Event is something the broker observed, for tests and diagnostics.
type Event struct {
	Kind     EventKind
	ClientID string
	// UserProperties of the CONNECT, SUBSCRIBE or PUBLISH.
	UserProperties []UserProperty
	// KeepAlive is the CONNECT Keep Alive in seconds (EventConnect).
	KeepAlive uint16
	// Filters and ReasonCodes are the SUBSCRIBE Topic Filters and the SUBACK
	// reason codes, one per filter (EventSubscribe).
	Filters     []string
	ReasonCodes []byte
	// Topic, QoS, ContentType, ResponseTopic and Payload describe a PUBLISH
	// (EventPublish). Payload must not be modified.
	Topic         string
	QoS           byte
	ContentType   string
	ResponseTopic string
	Payload       []byte
	// ReasonCode is the DISCONNECT reason code (EventDisconnect).
	ReasonCode byte
	// Err is why the connection ended, as mochi reports it (EventClosed); nil
	// after a DISCONNECT from the client.
	Err error
}

// UserProperty returns the value of the first User Property named key.
func (e Event) UserProperty(key string) (string, bool) {
	for _, p := range e.UserProperties {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}
