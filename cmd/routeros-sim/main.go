// Command routeros-sim serves one or more simulated RouterOS 7 routers on
// the binary API (package routeros/sim), from the built-in home-router
// profile or a RouterOS /export file.
//
//	routeros-sim -listen 127.0.0.1:8728 -count 3 -export router.rsc
//
// prints one line per router (address, identity, model, serial number) and
// serves until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	"github.com/uspbridge/uspbridge/routeros/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "routeros-sim:", err)
		os.Exit(1)
	}
}

// run parses flags, starts the routers and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("routeros-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8728", "API address of the first router; others use the following ports")
	export := fs.String("export", "", "RouterOS /export file to load (default: the built-in hAP ax² profile)")
	user := fs.String("user", "admin", "API user name")
	password := fs.String("password", "", "API password")
	count := fs.Int("count", 1, "number of routers, each with its own serial number, MACs and identity")
	noEmpty := fs.Bool("no-empty", false, "never reply !empty (RouterOS before 7.18)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *count < 1 {
		return fmt.Errorf("-count %d: must be at least 1", *count)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	base, err := loadProfile(*export, log)
	if err != nil {
		return err
	}
	host, portStr, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return fmt.Errorf("-listen: bad port %q", portStr)
	}
	empty := sim.EmptyAuto
	if *noEmpty {
		empty = sim.EmptyOff
	}

	type server struct {
		r  *sim.Router
		ln net.Listener
	}
	var servers []server
	for i := 0; i < *count; i++ {
		p := base.Variant(i + 1)
		addr := net.JoinHostPort(host, "0")
		if port != 0 {
			addr = net.JoinHostPort(host, strconv.Itoa(port+i))
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, s := range servers {
				s.ln.Close()
			}
			return fmt.Errorf("listen %s: %w", addr, err)
		}
		r := sim.NewRouter(p, sim.Options{Username: *user, Password: *password, Empty: empty,
			Logger: log.With("router", ln.Addr().String())})
		servers = append(servers, server{r, ln})
		serial := p.Serial()
		if serial == "" {
			serial = "-"
		}
		fmt.Fprintf(stdout, "%s identity=%q model=%s serial=%s version=%s\n", ln.Addr(), p.Identity(), p.Model(), serial, p.Version())
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(servers))
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.r.Serve(ctx, s.ln); err != nil {
				errs <- err
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func loadProfile(path string, log *slog.Logger) (*sim.Profile, error) {
	if path == "" {
		return sim.Builtin(sim.BuiltinOptions{}), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, rep, err := sim.LoadExport(f)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if w := rep.Warning(); w != "" {
		log.Warn(w, "file", path)
	}
	return p, nil
}
