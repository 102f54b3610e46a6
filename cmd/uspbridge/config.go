package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the bridge's configuration file (DESIGN.md §4). Decoding is
// strict: an unknown key is an error that names it.
type Config struct {
	StateDir string        `yaml:"state_dir"`
	HTTP     HTTPConfig    `yaml:"http"`
	Log      LogConfig     `yaml:"log"`
	USP      USPConfig     `yaml:"usp"`
	CWMP     *CWMPConfig   `yaml:"cwmp"`
	Devices  []DeviceEntry `yaml:"devices"`
}

// HTTPConfig is the admin listener: /metrics, /healthz, /readyz.
type HTTPConfig struct {
	Listen string `yaml:"listen"` // host:port; empty disables the listener
}

// LogConfig selects the log level (debug, info, warn, error) and format
// (text, json).
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// USPConfig configures the USP Agent front shared by all devices.
type USPConfig struct {
	MQTT        *MQTTConfig        `yaml:"mqtt"`
	WebSocket   *WebSocketConfig   `yaml:"websocket"`
	Controllers []ControllerConfig `yaml:"controllers"`
}

// MQTTConfig is the MQTT MTP (TR-369 §4.5). Each device's agent opens its
// own connection with these settings.
type MQTTConfig struct {
	URL              string `yaml:"url"`                // mqtt://, mqtts://, tcp://, ssl://, ws://, wss://
	Version          int    `yaml:"version"`            // 5 (3.1.1 in a later release)
	AgentTopicPrefix string `yaml:"agent_topic_prefix"` // default "usp/agent/"; the agent subscribes to prefix+EndpointID
	Username         string `yaml:"username"`
	Password         string `yaml:"password"`
	PasswordFile     string `yaml:"password_file"`
	PasswordEnv      string `yaml:"password_env"`
	CAFile           string `yaml:"ca_file"`
	CertFile         string `yaml:"cert_file"`
	KeyFile          string `yaml:"key_file"`
}

// WebSocketConfig is the WebSocket MTP (a later release).
type WebSocketConfig struct {
	URL string `yaml:"url"`
}

// ControllerConfig is one trusted USP Controller.
type ControllerConfig struct {
	EndpointID string `yaml:"endpoint_id"`
	MQTTTopic  string `yaml:"mqtt_topic"`
	Role       string `yaml:"role"` // full | read-only
}

// CWMPConfig is the CWMP front (a later release); accepted so one file serves
// both fronts.
type CWMPConfig struct {
	ACSURL                 string        `yaml:"acs_url"`
	Username               string        `yaml:"username"`
	Password               string        `yaml:"password"`
	PasswordFile           string        `yaml:"password_file"`
	PasswordEnv            string        `yaml:"password_env"`
	PeriodicInformInterval time.Duration `yaml:"periodic_inform_interval"`
	ConnectionRequest      ConnReqConfig `yaml:"connection_request"`
}

// ConnReqConfig is the CWMP connection request listener.
type ConnReqConfig struct {
	Listen    string `yaml:"listen"`
	PublicURL string `yaml:"public_url"`
}

// DeviceEntry is one router.
type DeviceEntry struct {
	Name         string   `yaml:"name"`
	Address      string   `yaml:"address"` // host:port of the RouterOS API (8728, or 8729 with tls)
	TLS          bool     `yaml:"tls"`
	CAFile       string   `yaml:"ca_file"` // CA for api-ssl; system roots when empty
	Username     string   `yaml:"username"`
	Password     string   `yaml:"password"`
	PasswordFile string   `yaml:"password_file"`
	PasswordEnv  string   `yaml:"password_env"`
	Fronts       []string `yaml:"fronts"` // usp, cwmp
}

// HasFront reports whether the device is managed through front f.
func (d DeviceEntry) HasFront(f string) bool {
	for _, x := range d.Fronts {
		if x == f {
			return true
		}
	}
	return false
}

var unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type main\.(\S+)`)

// sectionOf names config sections by their Go type for error messages.
var sectionOf = map[string]string{
	"Config": "the top level", "HTTPConfig": "http", "LogConfig": "log", "USPConfig": "usp",
	"MQTTConfig": "usp.mqtt", "WebSocketConfig": "usp.websocket", "ControllerConfig": "usp.controllers[]",
	"CWMPConfig": "cwmp", "ConnReqConfig": "cwmp.connection_request", "DeviceEntry": "devices[]",
}

// ParseConfig decodes and validates a configuration file. name is used in
// error messages.
func ParseConfig(name string, r io.Reader) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty configuration", name)
		}
		msg := unknownField.ReplaceAllStringFunc(err.Error(), func(m string) string {
			g := unknownField.FindStringSubmatch(m)
			return fmt.Sprintf("line %s: unknown key %q in %s", g[1], g[2], sectionOf[g[3]])
		})
		msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n  ")
		return nil, fmt.Errorf("%s: %s", name, msg)
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// LoadConfig reads and validates the file at path.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseConfig(path, f)
}

func (c *Config) applyDefaults() {
	if c.StateDir == "" {
		c.StateDir = "/var/lib/uspbridge"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if m := c.USP.MQTT; m != nil {
		if m.Version == 0 {
			m.Version = 5
		}
		if m.AgentTopicPrefix == "" {
			m.AgentTopicPrefix = "usp/agent/"
		}
	}
	for i := range c.USP.Controllers {
		if c.USP.Controllers[i].Role == "" {
			c.USP.Controllers[i].Role = "full"
		}
	}
	for i := range c.Devices {
		if len(c.Devices[i].Fronts) == 0 {
			c.Devices[i].Fronts = []string{"usp"}
		}
	}
}

// endpointIDPattern is TR-369 §2.2.2: authority-scheme ":" [authority-id] ":" instance-id.
var endpointIDPattern = regexp.MustCompile(`^(oui|cid|pen|self|user|os|ops|uuid|imei|proto|doc|fqdn):[A-Za-z0-9._-]*:[A-Za-z0-9._%-]{1,50}$`)

// Validate checks the configuration; the error names the key and the reason.
func (c *Config) Validate() error {
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level %q: want debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("log.format %q: want text or json", c.Log.Format)
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			return fmt.Errorf("http.listen %q: %v", c.HTTP.Listen, err)
		}
	}
	if len(c.Devices) == 0 {
		return errors.New("devices: at least one device is required")
	}
	names := map[string]bool{}
	usp := false
	for i, d := range c.Devices {
		at := fmt.Sprintf("devices[%d]", i)
		if d.Name == "" {
			return fmt.Errorf("%s.name: required", at)
		}
		at = fmt.Sprintf("devices[%d] (%s)", i, d.Name)
		if names[d.Name] {
			return fmt.Errorf("%s.name: duplicate device name", at)
		}
		names[d.Name] = true
		if _, port, err := net.SplitHostPort(d.Address); err != nil || port == "" {
			return fmt.Errorf("%s.address %q: want host:port (8728, or 8729 with tls)", at, d.Address)
		}
		if d.Username == "" {
			return fmt.Errorf("%s.username: required", at)
		}
		if err := oneSecret(at+".password", d.Password, d.PasswordFile, d.PasswordEnv); err != nil {
			return err
		}
		if d.CAFile != "" && !d.TLS {
			return fmt.Errorf("%s.ca_file: set only with tls: true", at)
		}
		for _, f := range d.Fronts {
			switch f {
			case "usp":
				usp = true
			case "cwmp":
			default:
				return fmt.Errorf("%s.fronts: unknown front %q (want usp, cwmp)", at, f)
			}
		}
	}
	if usp {
		m := c.USP.MQTT
		if m == nil || m.URL == "" {
			return errors.New("usp.mqtt.url: required when a device has the usp front")
		}
		u, err := url.Parse(m.URL)
		if err != nil || u.Host == "" {
			return fmt.Errorf("usp.mqtt.url %q: want scheme://host:port", m.URL)
		}
		switch u.Scheme {
		case "mqtt", "tcp", "mqtts", "ssl", "tls", "ws", "wss":
		default:
			return fmt.Errorf("usp.mqtt.url %q: unsupported scheme %q (mqtt, mqtts, tcp, ssl, ws, wss)", m.URL, u.Scheme)
		}
		if m.Version != 5 {
			return fmt.Errorf("usp.mqtt.version %d: only 5 is supported in this release", m.Version)
		}
		if strings.ContainsAny(m.AgentTopicPrefix, "+#") {
			return fmt.Errorf("usp.mqtt.agent_topic_prefix %q: wildcards are not allowed", m.AgentTopicPrefix)
		}
		if err := oneSecret("usp.mqtt.password", m.Password, m.PasswordFile, m.PasswordEnv); err != nil {
			return err
		}
		if (m.CertFile == "") != (m.KeyFile == "") {
			return errors.New("usp.mqtt.cert_file and key_file: set both or neither")
		}
	}
	ids := map[string]bool{}
	for i, ctl := range c.USP.Controllers {
		at := fmt.Sprintf("usp.controllers[%d]", i)
		if !endpointIDPattern.MatchString(ctl.EndpointID) {
			return fmt.Errorf("%s.endpoint_id %q: not a USP Endpoint ID (TR-369 §2.2.2, e.g. \"self::ctrl-1\")", at, ctl.EndpointID)
		}
		if ids[ctl.EndpointID] {
			return fmt.Errorf("%s.endpoint_id %q: duplicate", at, ctl.EndpointID)
		}
		ids[ctl.EndpointID] = true
		if ctl.MQTTTopic == "" || strings.ContainsAny(ctl.MQTTTopic, "+#") {
			return fmt.Errorf("%s.mqtt_topic %q: required, without wildcards", at, ctl.MQTTTopic)
		}
		switch ctl.Role {
		case "full", "read-only":
		default:
			return fmt.Errorf("%s.role %q: want full or read-only", at, ctl.Role)
		}
	}
	return nil
}

// oneSecret allows at most one of an inline value, a file and an env var.
func oneSecret(key, inline, file, env string) error {
	n := 0
	for _, s := range []string{inline, file, env} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("%s: set only one of password, password_file, password_env", strings.TrimSuffix(key, ".password"))
	}
	return nil
}

// secret resolves a secret from its inline value, file or environment
// variable. A file's trailing newline is dropped.
func secret(key, inline, file, env string) (string, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_file: %w", key, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case env != "":
		v, ok := os.LookupEnv(env)
		if !ok {
			return "", fmt.Errorf("%s_env: environment variable %s is not set", key, env)
		}
		return v, nil
	}
	return inline, nil
}
