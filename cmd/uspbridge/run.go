package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/uspbridge/uspbridge/bridge"
	"github.com/uspbridge/uspbridge/bridge/store"
	"github.com/uspbridge/uspbridge/routeros"
	"github.com/uspbridge/uspbridge/usp"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt"
)

// hooks lets the demo and tests observe the running bridge.
type hooks struct {
	// agentReady is called when a device's USP Agent has subscribed to its
	// topic on the broker.
	agentReady func(device string, id bridge.Identity, topic string)
	// listening is called with the admin listener's address.
	listening func(addr string)
}

// site is one running bridge: the composition root's product.
type site struct {
	cfg   *Config
	log   *slog.Logger
	st    *store.DB
	model *bridge.Model
	reg   *prometheus.Registry

	// MQTT credentials and TLS, resolved once at start.
	mqttPassword string
	mqttTLS      *tls.Config

	mu     sync.Mutex
	states map[string]*deviceState
}

// deviceState is what /readyz and /metrics report for one device.
type deviceState struct {
	ros      *routeros.Client
	endpoint string       // Endpoint ID once known
	mqtt     *mqtt.Client // nil until the agent starts
	agent    *usp.Agent
}

// runBridge runs the bridge described by cfg until ctx ends.
func runBridge(ctx context.Context, cfg *Config, log *slog.Logger, h hooks) error {
	st, err := store.Open(cfg.StateDir)
	if err != nil {
		return err
	}
	defer st.Close()

	s := &site{cfg: cfg, log: log, st: st, model: bridge.NewModel(), reg: prometheus.NewRegistry(), states: map[string]*deviceState{}}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.registerMetrics()

	if err := s.loadMQTTSecrets(); err != nil {
		return err
	}
	devs := make([]*bridge.Device, len(cfg.Devices))
	for i, d := range cfg.Devices {
		if devs[i], err = s.newDevice(d); err != nil {
			return err
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 1)
	fail := func(err error) {
		select {
		case errc <- err:
		default:
		}
		cancel()
	}

	if cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			return fmt.Errorf("http.listen %s: %w", cfg.HTTP.Listen, err)
		}
		if h.listening != nil {
			h.listening(ln.Addr().String())
		}
		srv := &http.Server{Handler: s.adminHandler(), ReadHeaderTimeout: 5 * time.Second}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fail(fmt.Errorf("admin http: %w", err))
			}
		}()
		go func() {
			<-ctx.Done()
			sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
			defer c()
			_ = srv.Shutdown(sctx)
		}()
	}

	if cfg.CWMP != nil {
		log.Warn("the cwmp section is accepted but the CWMP front is not in this release; no ACS sessions will be opened")
	}
	if cfg.USP.WebSocket != nil {
		log.Warn("usp.websocket is accepted but the WebSocket MTP is not in this release")
	}

	for i, d := range cfg.Devices {
		dev := devs[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = dev.Run(ctx)
		}()
		if d.HasFront("usp") {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.runAgent(ctx, d, dev, h); err != nil {
					fail(fmt.Errorf("device %s: %w", d.Name, err))
				}
			}()
		}
		if d.HasFront("cwmp") {
			log.Warn("device lists the cwmp front, which is not in this release", "device", d.Name)
		}
	}

	<-ctx.Done()
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// loadMQTTSecrets reads the broker password and TLS files, so a missing file
// fails the start rather than a device's agent later.
func (s *site) loadMQTTSecrets() error {
	mc := s.cfg.USP.MQTT
	if mc == nil {
		return nil
	}
	pw, err := secret("usp.mqtt.password", mc.Password, mc.PasswordFile, mc.PasswordEnv)
	if err != nil {
		return err
	}
	s.mqttPassword = pw
	if mc.CAFile == "" && mc.CertFile == "" {
		return nil
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if mc.CAFile != "" {
		if tlsCfg.RootCAs, err = loadCA(mc.CAFile); err != nil {
			return fmt.Errorf("usp.mqtt.ca_file: %w", err)
		}
	}
	if mc.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(mc.CertFile, mc.KeyFile)
		if err != nil {
			return fmt.Errorf("usp.mqtt.cert_file/key_file: %w", err)
		}
		tlsCfg.Certificates = []tls.Certificate{cert}
	}
	s.mqttTLS = tlsCfg
	return nil
}

// newDevice builds the RouterOS client and TR-181 model of one device.
func (s *site) newDevice(d DeviceEntry) (*bridge.Device, error) {
	pw, err := secret(fmt.Sprintf("devices (%s).password", d.Name), d.Password, d.PasswordFile, d.PasswordEnv)
	if err != nil {
		return nil, err
	}
	rc := routeros.Config{Address: d.Address, Username: d.Username, Password: pw, Logger: s.log.With("device", d.Name)}
	if d.TLS {
		rc.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		if d.CAFile != "" {
			pool, err := loadCA(d.CAFile)
			if err != nil {
				return nil, fmt.Errorf("devices (%s).ca_file: %w", d.Name, err)
			}
			rc.TLS.RootCAs = pool
		}
	}
	ros, err := routeros.New(rc)
	if err != nil {
		return nil, fmt.Errorf("device %s: %w", d.Name, err)
	}
	s.mu.Lock()
	s.states[d.Name] = &deviceState{ros: ros}
	s.mu.Unlock()
	return bridge.NewDevice(d.Name, s.model, ros, s.st, s.log), nil
}

func loadCA(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// runAgent waits until the router's identity is known (its Endpoint ID
// depends on it), then runs the device's USP Agent on its own MQTT
// connection until ctx ends.
func (s *site) runAgent(ctx context.Context, d DeviceEntry, dev *bridge.Device, h hooks) error {
	log := s.log.With("device", d.Name)
	var id bridge.Identity
	for {
		changed := dev.RouterChanged()
		var err error
		if id, err = dev.Identity(ctx); err == nil {
			break
		}
		log.Warn("USP agent waits for the router's identity", "err", err)
		// Retry when the router's session comes or goes, or after a minute
		// (an identity the router cannot give does not fix itself faster).
		t := time.NewTimer(time.Minute)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
	eid := id.EndpointID()
	mqttLog := log // the MTP adds endpoint_id itself
	log = log.With("endpoint_id", eid)

	mc := s.cfg.USP.MQTT
	var ctrls []usp.Controller
	for _, c := range s.cfg.USP.Controllers {
		ctrls = append(ctrls, usp.Controller{EndpointID: c.EndpointID, MQTTTopic: c.MQTTTopic})
	}
	agent := usp.NewAgent(usp.Config{EndpointID: eid, Controllers: ctrls}, dev, log)
	topic := mc.AgentTopicPrefix + eid

	var client *mqtt.Client
	handle := func(ctx context.Context, m mqtt.Message) {
		reply, err := agent.HandleRecord(ctx, m.Record)
		if err != nil {
			log.Debug("USP record dropped", "err", err, "topic", m.Topic)
		}
		if reply == nil {
			return
		}
		to := m.ResponseTopic
		if to == "" {
			t, ok := agent.ControllerTopic(reply)
			if !ok {
				log.Debug("no reply-to and no controller topic; reply dropped")
				return
			}
			to = t
		}
		if err := client.Publish(ctx, to, reply); err != nil {
			log.Warn("publish USP reply", "err", err, "topic", to)
		}
	}
	onConnect := func(ctx context.Context) {
		outs, err := agent.MQTTConnectRecords(usp.MQTT5, topic)
		if err != nil {
			log.Error("build MQTTConnect records", "err", err)
			return
		}
		for _, o := range outs {
			if err := client.Publish(ctx, o.Topic, o.Record); err != nil {
				log.Warn("publish MQTTConnect record", "err", err, "controller", o.To)
			}
		}
	}
	client, err := mqtt.New(mqtt.Config{
		BrokerURL:  mc.URL,
		ClientID:   eid,
		EndpointID: eid,
		Topic:      topic,
		Username:   mc.Username,
		Password:   s.mqttPassword,
		TLS:        s.mqttTLS,
		Logger:     mqttLog,
	}, handle, onConnect)
	if err != nil {
		return fmt.Errorf("usp.mqtt: %w", err)
	}
	s.mu.Lock()
	st := s.states[d.Name]
	st.endpoint, st.mqtt, st.agent = eid, client, agent
	s.mu.Unlock()

	if h.agentReady != nil {
		go func() {
			if client.AwaitConnection(ctx) == nil {
				h.agentReady(d.Name, id, topic)
			}
		}()
	}
	log.Info("USP agent starting", "topic", topic, "broker", mc.URL)
	return client.Run(ctx)
}

// adminHandler serves /metrics, /healthz and /readyz.
func (s *site) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		problems := s.notReady()
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, strings.Join(problems, "\n"))
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// notReady lists what is not up: routers not connected, agents not
// connected to the broker.
func (s *site) notReady() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name, st := range s.states {
		if !st.ros.Connected() {
			out = append(out, fmt.Sprintf("device %s: router %s not connected", name, st.ros.Address()))
		}
		for _, d := range s.cfg.Devices {
			if d.Name == name && d.HasFront("usp") && (st.mqtt == nil || !st.mqtt.Connected()) {
				out = append(out, fmt.Sprintf("device %s: USP agent not connected to the MQTT broker", name))
			}
		}
	}
	sort.Strings(out)
	return out
}

// registerMetrics exposes per-device state (DESIGN.md: metrics on the admin
// listener, from an injected registry).
func (s *site) registerMetrics() {
	up := prometheus.NewDesc("uspbridge_router_up", "1 when the RouterOS API session of the device is up.", []string{"device"}, nil)
	mq := prometheus.NewDesc("uspbridge_usp_mqtt_connected", "1 when the device's USP Agent is connected to the MQTT broker.", []string{"device", "endpoint_id"}, nil)
	recv := prometheus.NewDesc("uspbridge_usp_records_received_total", "USP Records received by the device's Agent.", []string{"device"}, nil)
	drop := prometheus.NewDesc("uspbridge_usp_records_dropped_total", "USP Records dropped unanswered, by reason (not addressed to the agent, unknown controller, malformed, ...).", []string{"device", "reason"}, nil)
	s.reg.MustRegister(collectorFunc{descs: []*prometheus.Desc{up, mq, recv, drop}, collect: func(ch chan<- prometheus.Metric) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for name, st := range s.states {
			ch <- prometheus.MustNewConstMetric(up, prometheus.GaugeValue, b2f(st.ros.Connected()), name)
			if st.mqtt != nil {
				ch <- prometheus.MustNewConstMetric(mq, prometheus.GaugeValue, b2f(st.mqtt.Connected()), name, st.endpoint)
			}
			if st.agent != nil {
				as := st.agent.Stats()
				ch <- prometheus.MustNewConstMetric(recv, prometheus.CounterValue, float64(as.Received), name)
				for reason, n := range as.Dropped {
					ch <- prometheus.MustNewConstMetric(drop, prometheus.CounterValue, float64(n), name, reason.String())
				}
			}
		}
	}})
}

type collectorFunc struct {
	descs   []*prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
