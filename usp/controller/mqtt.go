package controller

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/uspbridge/uspbridge/usp/mtp/mqtt"
)

// MQTTConfig configures DialMQTT.
type MQTTConfig struct {
	// BrokerURL is the MQTT server, e.g. "mqtt://127.0.0.1:1883".
	BrokerURL string
	// EndpointID is the Controller's Endpoint ID (sent as usp-endpoint-id,
	// R-MQTT.13, and as from_id).
	EndpointID string
	// ReplyTopic is where Agents answer (the Response Topic of every request,
	// R-MQTT.23). Empty means "usp/controller/<EndpointID>/<random>", unique
	// per process so that concurrent CLIs never see each other's replies.
	ReplyTopic string
	// Username, Password and TLS are passed to the MQTT client.
	Username string
	Password string
	TLS      *tls.Config
	// Retry is the MQTT reconnection back-off; zero fields take the TR-181
	// defaults.
	Retry mqtt.RetryPolicy
	// Logger receives MQTT and Controller logs; nil discards them.
	Logger *slog.Logger
}

// MQTTClient is a Client whose Records travel over MQTT. Close it when done.
type MQTTClient struct {
	*Client
	mq     *mqtt.Client
	cancel context.CancelFunc
	done   chan error
}

// DialMQTT connects a Controller to an MQTT broker and returns once it is
// subscribed to its reply topic, or fails when ctx is done first; the error
// then names the broker and the last connection error. The connection lives
// until Close.
func DialMQTT(ctx context.Context, cfg MQTTConfig) (*MQTTClient, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ReplyTopic == "" {
		var b [4]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand)
		cfg.ReplyTopic = "usp/controller/" + cfg.EndpointID + "/" + hex.EncodeToString(b[:])
	}
	broker := redact(cfg.BrokerURL)
	last := &lastError{}
	c := New(Config{EndpointID: cfg.EndpointID, Logger: logger}, nil)
	mq, err := mqtt.New(mqtt.Config{
		BrokerURL:  cfg.BrokerURL,
		EndpointID: cfg.EndpointID,
		Topic:      cfg.ReplyTopic,
		Username:   cfg.Username,
		Password:   cfg.Password,
		TLS:        cfg.TLS,
		Retry:      cfg.Retry,
		Logger:     slog.New(&captureHandler{inner: logger.Handler(), last: last}),
	}, func(_ context.Context, m mqtt.Message) {
		_ = c.HandleRecord(m.Record) // unmatched records are logged at debug level
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("MQTT broker %s: %w", broker, err)
	}
	c.send = mq

	// The connection outlives DialMQTT's ctx: only Close ends it.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m := &MQTTClient{Client: c, mq: mq, cancel: cancel, done: make(chan error, 1)}
	go func() { m.done <- mq.Run(runCtx) }()
	start := time.Now()
	if err := mq.AwaitConnection(ctx); err != nil {
		_ = m.Close()
		return nil, &ConnectError{Broker: broker, After: time.Since(start), Cause: last.get(), Err: err}
	}
	return m, nil
}

// ConnectError reports that DialMQTT could not connect and subscribe in time.
// It unwraps to ctx's error.
type ConnectError struct {
	Broker string        // the broker URL, password redacted
	After  time.Duration // how long DialMQTT waited
	Cause  string        // the last connection error logged, if any
	Err    error
}

// Error names the broker, the wait and the last connection error.
func (e *ConnectError) Error() string {
	msg := fmt.Sprintf("cannot connect to MQTT broker %s", e.Broker)
	if errors.Is(e.Err, context.DeadlineExceeded) {
		msg += " within " + roundWait(e.After).String()
	} else {
		msg += ": " + e.Err.Error()
	}
	if e.Cause != "" {
		msg += ": " + e.Cause
	}
	return msg
}

// Unwrap returns ctx's error.
func (e *ConnectError) Unwrap() error { return e.Err }

// ReplyTopic returns the topic Agents' answers arrive on.
func (m *MQTTClient) ReplyTopic() string { return m.mq.Topic() }

// Close disconnects from the broker and waits for the MQTT client to stop.
func (m *MQTTClient) Close() error {
	m.cancel()
	select {
	case err := <-m.done:
		return err
	case <-time.After(10 * time.Second):
		return errors.New("mqtt client did not stop within 10s")
	}
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("%q", raw)
	}
	return u.Redacted()
}

// lastError keeps the most recent error logged at warning level or above, to
// say why a connection could not be made.
type lastError struct {
	mu  sync.Mutex
	err string
}

func (l *lastError) get() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// captureHandler passes records to inner and remembers the "err" attribute
// of warnings (the MQTT client logs failed attempts that way).
type captureHandler struct {
	inner slog.Handler
	last  *lastError
}

// Enabled lets warnings through even when inner would drop them.
func (h *captureHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || h.inner.Enabled(ctx, l)
}

// Handle remembers the "err" of a warning and forwards r to inner.
func (h *captureHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "err" {
				h.last.mu.Lock()
				h.last.err = a.Value.String()
				h.last.mu.Unlock()
				return false
			}
			return true
		})
	}
	if !h.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

// WithAttrs keeps capturing into the same lastError.
func (h *captureHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &captureHandler{inner: h.inner.WithAttrs(as), last: h.last}
}

// WithGroup keeps capturing into the same lastError.
func (h *captureHandler) WithGroup(name string) slog.Handler {
	return &captureHandler{inner: h.inner.WithGroup(name), last: h.last}
}
