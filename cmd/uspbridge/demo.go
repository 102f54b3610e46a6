package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/uspbridge/uspbridge/bridge"
	"github.com/uspbridge/uspbridge/routeros/sim"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
)

// demoController is the Controller the demo trusts; uspctl uses this
// Endpoint ID by default.
const demoController = "self::uspctl"

// demoCmd runs an embedded MQTT broker, simulated routers and the bridge,
// all on loopback with the configuration's embedded defaults, and prints
// how to query them.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("uspbridge demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("mqtt-listen", "127.0.0.1:1883", "address of the embedded MQTT broker")
	routers := fs.Int("routers", 2, "number of simulated routers")
	export := fs.String("export", "", "seed the simulated routers from this RouterOS /export file instead of the built-in profile")
	level := fs.String("log-level", "warn", "log level: debug, info, warn, error")
	stateDir := fs.String("state-dir", "", "state directory (default: a new temporary directory, removed on exit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *routers < 1 || *routers > 1000 {
		return fmt.Errorf("-routers %d: want 1 to 1000", *routers)
	}
	log := newLogger(stderr, LogConfig{Level: *level, Format: "text"})

	profile := sim.Builtin(sim.BuiltinOptions{})
	if *export != "" {
		f, err := os.Open(*export)
		if err != nil {
			return err
		}
		p, report, err := sim.LoadExport(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *export, err)
		}
		if w := report.Warning(); w != "" {
			log.Warn("export loaded with skipped lines", "file", *export, "detail", w)
		}
		profile = p
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	b, err := broker.Start(ctx, *listen, log)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%s is in use (another MQTT broker?): choose another address with -mqtt-listen", *listen)
		}
		return fmt.Errorf("embedded MQTT broker: %w", err)
	}
	defer b.Close()

	var wg sync.WaitGroup
	defer wg.Wait()
	cfg := &Config{
		StateDir: *stateDir,
		Log:      LogConfig{Level: *level, Format: "text"},
		USP: USPConfig{
			MQTT:        &MQTTConfig{URL: b.URL()},
			Controllers: []ControllerConfig{{EndpointID: demoController, MQTTTopic: "usp/controller/uspctl"}},
		},
	}
	for i := 1; i <= *routers; i++ {
		r := sim.NewRouter(profile.Variant(i), sim.Options{Username: "uspbridge", Password: "demo", Empty: sim.EmptyAuto})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Serve(ctx, ln); err != nil {
				log.Error("simulated router", "err", err)
			}
		}()
		cfg.Devices = append(cfg.Devices, DeviceEntry{
			Name:     fmt.Sprintf("router-%d", i),
			Address:  ln.Addr().String(),
			Username: "uspbridge",
			Password: "demo",
		})
	}
	if cfg.StateDir == "" {
		dir, err := os.MkdirTemp("", "uspbridge-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.StateDir = dir
	}
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("demo configuration: %w", err)
	}

	fmt.Fprintf(stdout, "uspbridge demo: MQTT broker on %s, %d simulated router(s), state in %s\n", b.URL(), *routers, cfg.StateDir)
	var mu sync.Mutex
	ready := map[string]string{}
	h := hooks{agentReady: func(device string, id bridge.Identity, topic string) {
		mu.Lock()
		defer mu.Unlock()
		ready[device] = fmt.Sprintf("  %-10s %-32s %s %s, serial %s", device, id.EndpointID(), id.Manufacturer, id.ProductClass, id.SerialNumber)
		if len(ready) != *routers {
			return
		}
		names := make([]string, 0, len(ready))
		for n := range ready {
			names = append(names, n)
		}
		sort.Strings(names)
		var sb strings.Builder
		sb.WriteString("USP agents ready:\n")
		for _, n := range names {
			sb.WriteString(ready[n] + "\n")
		}
		first := strings.Fields(ready[names[0]])[1]
		fmt.Fprintf(&sb, "\nQuery one (in another terminal):\n  go run ./cmd/uspctl -mqtt %s -to %s get Device.DeviceInfo.\n", b.URL(), first)
		fmt.Fprintf(&sb, "  go run ./cmd/uspctl -mqtt %s -to %s get 'Device.IP.Interface.*.IPv4Address.*.IPAddress'\n", b.URL(), first)
		sb.WriteString("Ctrl-C stops the demo.\n")
		fmt.Fprint(stdout, sb.String())
	}}
	err = runBridge(ctx, cfg, log, h)
	cancel()
	if err == nil {
		fmt.Fprintln(stdout, "uspbridge demo: stopped")
	}
	return err
}
