package mqtt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// Content Types of a USP Record in an MQTT 5 PUBLISH.
const (
	// ContentType is sent on every PUBLISH (R-MQTT.27).
	ContentType = "usp.msg"
	// ContentTypeLegacy is accepted as well as ContentType (R-MQTT.27a).
	ContentTypeLegacy = "application/vnd.bbf.usp.msg"
)

// MQTT 5 User Property names of the USP MQTT binding.
const (
	// UserPropertyEndpointID names the CONNECT User Property carrying the
	// endpoint's USP Endpoint ID (R-MQTT.13).
	UserPropertyEndpointID = "usp-endpoint-id"
	// UserPropertySubscribeTopic names the CONNACK User Properties listing
	// extra Topic Filters the client must subscribe to (R-MQTT.15, R-MQTT.44).
	UserPropertySubscribeTopic = "subscribe-topic"
)

var (
	// ErrNotConnected is returned by Publish while the Client has no
	// connection with a successful subscription: nothing is published before
	// the SUBACK (R-MQTT.17).
	ErrNotConnected = errors.New("mqtt: not connected")
	// ErrStopped is returned by AwaitConnection once Run has returned.
	ErrStopped = errors.New("mqtt: client stopped")
)

// Message is one USP Record received in a PUBLISH.
type Message struct {
	// Record is the PUBLISH payload, a serialized USP Record (R-MQTT.18).
	// The Handler owns it.
	Record []byte
	// Topic is the PUBLISH Topic Name.
	Topic string
	// ResponseTopic is the sender's "reply to" topic (R-MQTT.23); responses
	// go there (R-MQTT.26). It may be empty: the receiver decides what to do.
	ResponseTopic string
	// ContentType is ContentType, ContentTypeLegacy or empty.
	ContentType string
}

// Handler is called for every PUBLISH received on a subscribed topic. Calls
// run concurrently, at most Config.MaxInFlight at a time per Client, and never
// on the goroutine that reads the connection. ctx is the one given to Run: a
// Handler must return promptly once it is done, because Run waits for all
// Handler calls before returning.
type Handler func(ctx context.Context, m Message)

// Stats are the cumulative counters of one Client, for metrics: the caller
// may expose them, e.g. as Prometheus CounterFuncs.
type Stats struct {
	RecordsReceived uint64 // PUBLISHes handed to the Handler
	RecordsSent     uint64 // successful Publish calls
	RecordsDropped  uint64 // PUBLISHes not handed over: foreign Content Type (R-MQTT.27a), or QoS 0 with every slot busy
	PublishErrors   uint64 // failed Publish calls, ErrNotConnected included
	Connects        uint64 // connections established (CONNACK and SUBACK successful)
	ConnectFailures uint64 // connection attempts that failed (dial, CONNACK, SUBACK)
	ConnectionsLost uint64 // established connections that dropped, not counting Run's own DISCONNECT
}

// Client is the MQTT connection of one USP Endpoint (R-MQTT.13: one Endpoint
// ID per connection). It serves both the Agent role (subscribed to its agent
// topic, answering to each request's Response Topic) and the Controller role
// (subscribed to its reply topic, publishing requests to an Agent's topic).
// Create it with New, run it with Run; its other methods are safe for
// concurrent use.
type Client struct {
	cfg       Config
	broker    *url.URL
	handler   Handler
	onConnect func(ctx context.Context)
	log       *slog.Logger
	qos       byte
	slots     chan struct{}                                   // one token per running Handler call
	random    func() float64                                  // u for RetryPolicy.Delay
	wait      func(ctx context.Context, d time.Duration) bool // sleeps d; false if ctx ended first

	started atomic.Bool
	stopped chan struct{} // closed when Run returns

	mu       sync.Mutex
	conn     *paho.Client  // connected and subscribed; nil otherwise
	up       chan struct{} // closed once conn is set and onConnect returned
	clientID string        // configured or assigned by the server (R-MQTT.9)

	recordsReceived, recordsSent, recordsDropped, publishErrors atomic.Uint64
	connects, connectFailures, connectionsLost                  atomic.Uint64
}

// New validates cfg and returns a Client. It does no I/O. h receives every
// Record; onConnect, if not nil, is called on Run's goroutine after each
// successful subscription, before any Record of that connection reaches h: an
// Agent sends its MQTTConnectRecord there (R-MTP.6, R-MTP.8). onConnect should
// return promptly and must return once ctx is done.
func New(cfg Config, h Handler, onConnect func(ctx context.Context)) (*Client, error) {
	cfg, u, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("mqtt: nil Handler")
	}
	c := &Client{
		cfg:       cfg,
		broker:    u,
		handler:   h,
		onConnect: onConnect,
		log:       cfg.Logger.With("component", "mqtt", "endpoint_id", cfg.EndpointID),
		qos:       1,
		slots:     make(chan struct{}, cfg.MaxInFlight),
		random:    rand.Float64,
		wait:      sleep,
		stopped:   make(chan struct{}),
		up:        make(chan struct{}),
		clientID:  cfg.ClientID,
	}
	if cfg.QoS0 {
		c.qos = 0
	}
	return c, nil
}

// Run connects to the broker and keeps the connection up until ctx is done,
// retrying with Config.Retry after every failed attempt and every lost
// connection (R-MQTT.10, R-MQTT.33). After each CONNACK it subscribes, then
// calls onConnect. When ctx is done it sends DISCONNECT (R-MQTT.35), waits for
// running Handler calls and returns nil. Run may be called once.
func (c *Client) Run(ctx context.Context) error {
	if !c.started.CompareAndSwap(false, true) {
		return errors.New("mqtt: Run called twice")
	}
	defer close(c.stopped)
	var handlers sync.WaitGroup
	defer handlers.Wait()

	broker := c.broker.Redacted()
	retry := 0 // the n of RetryPolicy.Window; 0 connects at once
	for {
		if retry > 0 {
			wait := c.cfg.Retry.Delay(retry, c.random())
			c.log.Debug("waiting before reconnecting", "broker", broker, "retry", retry, "wait", wait)
			if !c.wait(ctx, wait) {
				return nil
			}
		}
		established, err := c.session(ctx, &handlers)
		if ctx.Err() != nil {
			return nil
		}
		if established {
			c.connectionsLost.Add(1)
			c.log.Info("connection lost", "broker", broker)
			retry = 1
			continue
		}
		c.connectFailures.Add(1)
		retry++
		c.log.Warn("connection attempt failed", "broker", broker, "retry", retry, "err", err)
	}
}

// sleep waits for d and reports whether ctx was still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// session makes one connection attempt and, when it succeeds, serves the
// connection until it drops or ctx is done. established reports whether the
// subscription succeeded.
func (c *Client) session(ctx context.Context, handlers *sync.WaitGroup) (established bool, err error) {
	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	nc, err := dial(attemptCtx, c.broker, c.cfg.TLS)
	if err != nil {
		return false, fmt.Errorf("dial: %w", err)
	}

	ready := make(chan struct{}) // closed after onConnect: Records wait for it (R-MTP.8)
	openGate := sync.OnceFunc(func() { close(ready) })
	defer openGate()

	cli := paho.NewClient(paho.ClientConfig{
		Conn:              nc,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){c.receiver(ctx, ready, handlers)},
		OnClientError: func(err error) {
			c.log.Debug("connection error", "err", err)
		},
		OnServerDisconnect: func(d *paho.Disconnect) {
			c.log.Info("server sent DISCONNECT", "reason_code", d.ReasonCode, "reason", disconnectReason(d))
		},
		PacketTimeout: c.cfg.Timeout,
	})
	cli.SetErrorLogger(pahoLogger{c.log})

	connack, err := cli.Connect(attemptCtx, c.connectPacket())
	if err != nil { // Connect closed nc
		if connack != nil {
			return false, fmt.Errorf("CONNACK reason code 0x%02x: %w", connack.ReasonCode, err)
		}
		return false, fmt.Errorf("connect: %w", err)
	}
	var props paho.ConnackProperties
	if connack.Properties != nil {
		props = *connack.Properties
	}
	if props.AssignedClientID != "" { // R-MQTT.9: keep it for every later connection
		c.mu.Lock()
		c.clientID = props.AssignedClientID
		c.mu.Unlock()
	}

	if err := c.subscribe(attemptCtx, cli, props.User.GetAll(UserPropertySubscribeTopic)); err != nil {
		openGate()
		_ = cli.Disconnect(&paho.Disconnect{ReasonCode: 0}) // R-MQTT.17
		return false, err
	}

	c.mu.Lock()
	c.conn = cli
	c.mu.Unlock()
	c.connects.Add(1)
	c.log.Info("connected", "broker", c.broker.Redacted(), "client_id", c.ClientID())
	if c.onConnect != nil {
		c.onConnect(ctx) // R-MTP.6
	}
	openGate()
	c.mu.Lock()
	if c.conn == cli {
		close(c.up)
	}
	c.mu.Unlock()

	select {
	case <-cli.Done():
		c.disconnected(cli)
		return true, nil
	case <-ctx.Done():
		c.disconnected(cli)
		if err := cli.Disconnect(&paho.Disconnect{ReasonCode: 0}); err != nil { // R-MQTT.35
			c.log.Debug("sending DISCONNECT", "err", err)
		}
		return true, nil
	}
}

// disconnected clears the connection if it is still cli.
func (c *Client) disconnected(cli *paho.Client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != cli {
		return
	}
	c.conn = nil
	select {
	case <-c.up:
		c.up = make(chan struct{})
	default: // onConnect had not returned: up is still open
	}
}

// connectPacket builds the CONNECT packet (R-MQTT.6 to R-MQTT.14).
func (c *Client) connectPacket() *paho.Connect {
	receiveMax := uint16(c.cfg.MaxInFlight)
	cp := &paho.Connect{
		ClientID:   c.ClientID(),
		KeepAlive:  c.cfg.keepAliveSeconds(),
		CleanStart: true,
		Properties: &paho.ConnectProperties{
			ReceiveMaximum:     &receiveMax,
			RequestProblemInfo: true,
			User:               paho.UserProperties{{Key: UserPropertyEndpointID, Value: c.cfg.EndpointID}},
		},
	}
	if c.cfg.Username != "" {
		cp.UsernameFlag, cp.Username = true, c.cfg.Username
	}
	if c.cfg.Password != "" {
		cp.PasswordFlag, cp.Password = true, []byte(c.cfg.Password)
	}
	return cp
}

// subscribe sends one SUBSCRIBE with the CONNACK "subscribe-topic" filters and
// the own Topic unless one of those filters already covers it (R-MQTT.15). It
// fails unless a granted filter covers the own Topic: without it the endpoint
// cannot be reached at its "reply to" topic (R-MQTT.17).
func (c *Client) subscribe(ctx context.Context, cli *paho.Client, extra []string) error {
	var filters []string
	covered := false
	for _, f := range extra {
		if f == "" || slices.Contains(filters, f) {
			continue
		}
		filters = append(filters, f)
		covered = covered || topicMatches(f, c.cfg.Topic)
	}
	if !covered {
		filters = append(filters, c.cfg.Topic)
	}
	sub := &paho.Subscribe{Subscriptions: make([]paho.SubscribeOptions, len(filters))}
	for i, f := range filters {
		sub.Subscriptions[i] = paho.SubscribeOptions{Topic: f, QoS: c.qos}
	}
	suback, err := cli.Subscribe(ctx, sub)
	if suback == nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	reachable := false
	for i, f := range filters {
		if i < len(suback.Reasons) && suback.Reasons[i] < 0x80 {
			reachable = reachable || topicMatches(f, c.cfg.Topic)
			continue
		}
		code := byte(0)
		if i < len(suback.Reasons) {
			code = suback.Reasons[i]
		}
		c.log.Warn("subscription refused", "filter", f, "reason_code", code)
	}
	if !reachable {
		return fmt.Errorf("subscribe %q: refused by the server", c.cfg.Topic)
	}
	return nil
}

// receiver returns the paho callback for received PUBLISHes. It runs on
// paho's routing goroutine, never on the connection reader. For QoS 1 it
// waits for a free Handler slot, which delays the PUBACK and so lets the
// server's flow control (Receive Maximum = MaxInFlight) hold further
// messages; a QoS 0 message finding no free slot is dropped.
func (c *Client) receiver(ctx context.Context, ready <-chan struct{}, handlers *sync.WaitGroup) func(paho.PublishReceived) (bool, error) {
	return func(pr paho.PublishReceived) (bool, error) {
		p := pr.Packet
		m := Message{Record: p.Payload, Topic: p.Topic}
		if p.Properties != nil {
			m.ContentType = p.Properties.ContentType
			m.ResponseTopic = p.Properties.ResponseTopic
		}
		switch m.ContentType {
		case ContentType, ContentTypeLegacy, "": // R-MQTT.27a; empty: e.g. bridged from MQTT 3.1.1
		default:
			c.recordsDropped.Add(1)
			c.log.Debug("dropped PUBLISH with foreign Content Type", "topic", m.Topic, "content_type", m.ContentType)
			return true, nil
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return true, nil
		}
		if p.QoS == 0 {
			select {
			case c.slots <- struct{}{}:
			default:
				c.recordsDropped.Add(1)
				c.log.Warn("dropped QoS 0 PUBLISH: all handler slots busy", "topic", m.Topic)
				return true, nil
			}
		} else {
			select {
			case c.slots <- struct{}{}:
			case <-ctx.Done():
				return true, nil
			}
		}
		c.recordsReceived.Add(1)
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			defer func() { <-c.slots }()
			c.handler(ctx, m)
		}()
		return true, nil
	}
}

// Publish sends record to topic with Content Type "usp.msg" (R-MQTT.27) and
// the Client's Topic as Response Topic (R-MQTT.22, R-MQTT.23), at QoS 1
// unless Config.QoS0. At QoS 1 it returns once the server acknowledged the
// PUBLISH. It returns ErrNotConnected while there is no subscribed
// connection (R-MQTT.17).
func (c *Client) Publish(ctx context.Context, topic string, record []byte) error {
	if topic == "" || strings.ContainsAny(topic, "+#") {
		c.publishErrors.Add(1)
		return fmt.Errorf("mqtt: publish: invalid topic %q", topic)
	}
	c.mu.Lock()
	cli := c.conn
	c.mu.Unlock()
	if cli == nil {
		c.publishErrors.Add(1)
		return ErrNotConnected
	}
	_, err := cli.Publish(ctx, &paho.Publish{
		QoS:     c.qos,
		Topic:   topic,
		Payload: record,
		Properties: &paho.PublishProperties{
			ContentType:   ContentType,
			ResponseTopic: c.cfg.Topic,
		},
	})
	if err != nil {
		c.publishErrors.Add(1)
		return fmt.Errorf("mqtt: publish to %s: %w", topic, err)
	}
	c.recordsSent.Add(1)
	return nil
}

// Connected reports whether the Client has a connection whose subscription
// succeeded, that is whether Publish can succeed.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn != nil
}

// AwaitConnection blocks until the Client is connected, subscribed and
// onConnect has returned. It returns ctx's error when ctx is done first and
// ErrStopped when Run has returned.
func (c *Client) AwaitConnection(ctx context.Context) error {
	c.mu.Lock()
	up := c.up
	c.mu.Unlock()
	select {
	case <-up:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stopped:
		return ErrStopped
	}
}

// ClientID returns the MQTT ClientId used for the next connection: the
// configured one or the server's Assigned Client Identifier, which the caller
// should persist (R-MQTT.9, R-MQTT.11).
func (c *Client) ClientID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clientID
}

// Topic returns the Client's "reply to" topic, the Response Topic of its
// PUBLISHes (R-MQTT.23) and the subject of an Agent's MQTTConnectRecord.
func (c *Client) Topic() string { return c.cfg.Topic }

// Stats returns a snapshot of the Client's counters.
func (c *Client) Stats() Stats {
	return Stats{
		RecordsReceived: c.recordsReceived.Load(),
		RecordsSent:     c.recordsSent.Load(),
		RecordsDropped:  c.recordsDropped.Load(),
		PublishErrors:   c.publishErrors.Load(),
		Connects:        c.connects.Load(),
		ConnectFailures: c.connectFailures.Load(),
		ConnectionsLost: c.connectionsLost.Load(),
	}
}

// topicMatches reports whether an MQTT Topic Filter matches a topic name
// (MQTT 5 §4.7): "+" matches one level, a trailing "#" any number of levels
// including none; wildcards in the first level do not match "$" topics.
func topicMatches(filter, topic string) bool {
	if strings.HasPrefix(topic, "$") && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	fs, ts := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, f := range fs {
		switch {
		case f == "#":
			return i == len(fs)-1
		case i >= len(ts):
			return false
		case f != "+" && f != ts[i]:
			return false
		}
	}
	return len(fs) == len(ts)
}

// disconnectReason returns the Reason String of a DISCONNECT, if any.
func disconnectReason(d *paho.Disconnect) string {
	if d.Properties == nil {
		return ""
	}
	return d.Properties.ReasonString
}

// pahoLogger routes paho's error log to slog.
type pahoLogger struct{ log *slog.Logger }

func (l pahoLogger) Println(v ...any) {
	l.log.Warn("paho: " + strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

func (l pahoLogger) Printf(format string, v ...any) {
	l.log.Warn("paho: " + fmt.Sprintf(format, v...))
}
