package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validConfig = `
state_dir: /tmp/uspbridge
http: {listen: "127.0.0.1:9100"}
usp:
  mqtt: {url: "mqtt://127.0.0.1:1883"}
  controllers:
    - {endpoint_id: "self::ctrl-1", mqtt_topic: "usp/controller/ctrl-1", role: read-only}
devices:
  - name: core-router
    address: "10.0.0.1:8728"
    username: uspbridge
    password_env: CORE_ROUTER_PASSWORD
`

func TestParseConfigValid(t *testing.T) {
	c, err := ParseConfig("test.yaml", strings.NewReader(validConfig))
	if err != nil {
		t.Fatal(err)
	}
	if c.USP.MQTT.Version != 5 || c.USP.MQTT.AgentTopicPrefix != "usp/agent/" {
		t.Errorf("MQTT defaults not applied: %+v", c.USP.MQTT)
	}
	if got := c.Devices[0].Fronts; len(got) != 1 || got[0] != "usp" {
		t.Errorf("default fronts = %v", got)
	}
	if c.Log.Level != "info" || c.Log.Format != "text" {
		t.Errorf("log defaults = %+v", c.Log)
	}
}

// TestParseConfigErrors pairs bad configurations with the error a user sees:
// it must name the key and say why.
func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown top key", validConfig + "colour: blue\n", `line 13: unknown key "colour" in the top level`},
		{"unknown nested key", strings.Replace(validConfig, `http: {listen: "127.0.0.1:9100"}`, `http: {listen: "127.0.0.1:9100", port: 3}`, 1), `unknown key "port" in http`},
		{"unknown device key", strings.Replace(validConfig, "username: uspbridge", "user: uspbridge", 1), `unknown key "user" in devices[]`},
		{"no devices", "usp: {mqtt: {url: \"mqtt://a:1\"}}\n", "devices: at least one device is required"},
		{"bad address", strings.Replace(validConfig, `"10.0.0.1:8728"`, `"10.0.0.1"`, 1), `devices[0] (core-router).address "10.0.0.1": want host:port`},
		{"missing username", strings.Replace(validConfig, "username: uspbridge", "", 1), "devices[0] (core-router).username: required"},
		{"two secrets", strings.Replace(validConfig, "password_env: CORE_ROUTER_PASSWORD", "password_env: X\n    password_file: /run/secrets/x", 1), "set only one of password, password_file, password_env"},
		{"bad front", strings.Replace(validConfig, "password_env: CORE_ROUTER_PASSWORD", "password_env: X\n    fronts: [snmp]", 1), `unknown front "snmp"`},
		{"no mqtt url", strings.Replace(validConfig, `mqtt: {url: "mqtt://127.0.0.1:1883"}`, `mqtt: {}`, 1), "usp.mqtt.url: required"},
		{"bad scheme", strings.Replace(validConfig, "mqtt://127.0.0.1:1883", "http://127.0.0.1:1883", 1), `unsupported scheme "http"`},
		{"mqtt 3", strings.Replace(validConfig, `mqtt: {url: "mqtt://127.0.0.1:1883"}`, `mqtt: {url: "mqtt://127.0.0.1:1883", version: 4}`, 1), "usp.mqtt.version 4: only 5"},
		{"bad endpoint id", strings.Replace(validConfig, "self::ctrl-1", "ctrl-1", 1), `usp.controllers[0].endpoint_id "ctrl-1": not a USP Endpoint ID`},
		{"bad role", strings.Replace(validConfig, "role: read-only", "role: admin", 1), `usp.controllers[0].role "admin": want full or read-only`},
		{"bad log level", validConfig + "log: {level: loud}\n", `log.level "loud"`},
		{"wrong type", strings.Replace(validConfig, "state_dir: /tmp/uspbridge", "state_dir: [a]", 1), "cannot unmarshal"},
		{"empty", "", "empty configuration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig("test.yaml", strings.NewReader(c.yaml))
			if err == nil {
				t.Fatalf("accepted; want error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "test.yaml: ") {
				t.Fatalf("error %q\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func TestExampleConfigParses(t *testing.T) {
	path := filepath.Join("..", "..", "deploy", "config.example.yaml")
	if _, err := LoadConfig(path); err != nil {
		t.Fatalf("%v", err)
	}
}

func TestSecretSources(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "pw")
	if err := os.WriteFile(f, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if v, err := secret("password", "", f, ""); err != nil || v != "s3cret" {
		t.Errorf("file: %q, %v", v, err)
	}
	t.Setenv("USPBRIDGE_TEST_PW", "from-env")
	if v, err := secret("password", "", "", "USPBRIDGE_TEST_PW"); err != nil || v != "from-env" {
		t.Errorf("env: %q, %v", v, err)
	}
	if _, err := secret("password", "", "", "USPBRIDGE_TEST_UNSET_VAR"); err == nil || !strings.Contains(err.Error(), "USPBRIDGE_TEST_UNSET_VAR is not set") {
		t.Errorf("unset env: %v", err)
	}
	if _, err := secret("password", "", filepath.Join(dir, "missing"), ""); err == nil || !strings.Contains(err.Error(), "password_file") {
		t.Errorf("missing file: %v", err)
	}
}
