// Command uspbridge makes every MikroTik router of a site look like a
// standards-compliant managed device: a TR-369 USP Agent over MQTT 5 (and, in
// later releases, a TR-069 CPE), both over one TR-181 core that reads the
// router through the RouterOS API.
//
//	uspbridge run -config FILE      run the bridge
//	uspbridge -config FILE          the same
//	uspbridge run -config.check -config FILE
//	                                validate the file and exit
//	uspbridge demo                  embedded broker + two simulated routers + the bridge
//
// This package is the composition root: flags, configuration, logging,
// metrics and wiring. It holds no protocol logic.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := mainErr(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "uspbridge:", err)
		}
		os.Exit(2)
	}
}

func mainErr(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runCmd(ctx, args, stdout, stderr)
	case "demo":
		return demoCmd(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}

const usage = `usage:
  uspbridge run -config FILE [-config.check]
  uspbridge demo [-mqtt-listen 127.0.0.1:1883] [-routers 2]
`

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("uspbridge run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	check := fs.Bool("config.check", false, "validate the configuration file and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("-config FILE is required")
	}
	cfg, err := LoadConfig(*path)
	if err != nil {
		return err
	}
	if *check {
		fmt.Fprintf(stdout, "%s: ok (%d devices)\n", *path, len(cfg.Devices))
		return nil
	}
	log := newLogger(stderr, cfg.Log)
	log.Info("uspbridge starting", "config", *path, "devices", len(cfg.Devices), "state_dir", cfg.StateDir)
	return runBridge(ctx, cfg, log, hooks{})
}

func newLogger(w io.Writer, c LogConfig) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
