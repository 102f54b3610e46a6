// Command uspctl is the operator's USP Controller: it sends USP requests to
// one Agent (one router of the bridge, or any TR-369 Agent) over MQTT and
// prints the answers.
//
//	uspctl -mqtt URL -to ENDPOINT_ID [flags] get PATH... [-max-depth N]
//	uspctl -mqtt URL -to ENDPOINT_ID [flags] instances PATH... [-first-level]
//	uspctl -mqtt URL -to ENDPOINT_ID [flags] supported-dm PATH... [-first-level]
//	uspctl -mqtt URL -to ENDPOINT_ID [flags] gsp
//
// The exit status is 0 when every request and every path succeeded, 1 when
// anything failed (USP errors, timeout, broker), 2 for usage errors.
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
	"strings"
	"time"

	"github.com/uspbridge/uspbridge/usp/controller"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// options are the parsed command line.
type options struct {
	broker      string
	to          string
	from        string
	topicPrefix string
	agentTopic  string
	user        string
	password    string
	timeout     time.Duration
	json        bool
	verbose     bool

	command    string
	paths      []string
	maxDepth   uint
	firstLevel bool
}

const usage = `usage: uspctl -mqtt URL -to ENDPOINT_ID [flags] COMMAND [ARGS]

commands:
  get PATH... [-max-depth N]           read parameter values (USP Get)
  instances PATH... [-first-level]     list object instances and unique keys (USP GetInstances)
  supported-dm PATH... [-first-level]  show the supported data model (USP GetSupportedDM)
  gsp                                  show the Agent's USP versions (USP GetSupportedProtocol)

flags:
`

// errUsage marks command-line mistakes (exit status 2).
var errUsage = errors.New("usage")

func parseArgs(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("uspctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.broker, "mqtt", "", "MQTT broker `URL`, e.g. mqtt://127.0.0.1:1883 or mqtts://broker:8883 (required)")
	fs.StringVar(&o.to, "to", "", "Endpoint ID of the Agent, e.g. os::4C5E0C-HCQ08ABCDEF (required)")
	fs.StringVar(&o.from, "from", "self::uspctl", "Endpoint ID of this Controller; the Agent must know it")
	fs.StringVar(&o.topicPrefix, "agent-topic-prefix", "usp/agent/", "the Agent's topic is this prefix followed by its Endpoint ID")
	fs.StringVar(&o.agentTopic, "agent-topic", "", "the Agent's MQTT topic (overrides -agent-topic-prefix)")
	fs.StringVar(&o.user, "mqtt-user", "", "MQTT user name; the password comes from $USPCTL_MQTT_PASSWORD")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "how long to wait for the broker and the answer")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.BoolVar(&o.verbose, "v", false, "log MQTT and USP details to stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errUsage
	}
	o.password = getenv("USPCTL_MQTT_PASSWORD")
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return o, errUsage
	}
	o.command, rest = rest[0], rest[1:]

	// Sub-command flags may come before, between or after the paths.
	sub := flag.NewFlagSet("uspctl "+o.command, flag.ContinueOnError)
	sub.SetOutput(stderr)
	switch o.command {
	case "get":
		sub.UintVar(&o.maxDepth, "max-depth", 0, "object levels to return below each path; 0 = all (R-GET.5)")
	case "instances", "supported-dm":
		sub.BoolVar(&o.firstLevel, "first-level", false, "only the first level below each path (first_level_only)")
	case "gsp":
	default:
		fmt.Fprintf(stderr, "uspctl: unknown command %q\n", o.command)
		fs.Usage()
		return o, errUsage
	}
	for {
		if err := sub.Parse(rest); err != nil {
			return o, errUsage
		}
		if sub.NArg() == 0 {
			break
		}
		o.paths = append(o.paths, sub.Arg(0))
		rest = sub.Args()[1:]
	}

	var problems []string
	if o.broker == "" {
		problems = append(problems, "-mqtt is required")
	}
	if o.to == "" {
		problems = append(problems, "-to is required")
	}
	if o.from == "" {
		problems = append(problems, "-from must not be empty")
	}
	if o.timeout <= 0 {
		problems = append(problems, "-timeout must be positive")
	}
	switch {
	case o.command == "gsp" && len(o.paths) > 0:
		problems = append(problems, "gsp takes no paths")
	case o.command != "gsp" && len(o.paths) == 0:
		problems = append(problems, o.command+" needs at least one PATH")
	}
	if o.maxDepth > 1<<31 {
		problems = append(problems, "-max-depth too large")
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "uspctl: %s\n", strings.Join(problems, "; "))
		return o, errUsage
	}
	if o.agentTopic == "" {
		o.agentTopic = o.topicPrefix + o.to
	}
	return o, nil
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseArgs(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	logger := slog.New(slog.DiscardHandler)
	if o.verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	c, err := controller.DialMQTT(ctx, controller.MQTTConfig{
		BrokerURL:  o.broker,
		EndpointID: o.from,
		Username:   o.user,
		Password:   o.password,
		Logger:     logger,
	})
	if err != nil {
		fmt.Fprintf(stderr, "uspctl: %v\n", err)
		return 1
	}
	defer c.Close()

	ok, err := execute(ctx, c.Client, o, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "uspctl: %v\n", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

// requester is the part of *controller.Client that commands use.
type requester interface {
	Get(ctx context.Context, a controller.Agent, paths []string, maxDepth uint32) ([]controller.GetResult, error)
	GetInstances(ctx context.Context, a controller.Agent, paths []string, firstLevelOnly bool) ([]controller.InstancesResult, error)
	GetSupportedDM(ctx context.Context, a controller.Agent, paths []string, o controller.SupportedDMOptions) ([]controller.SupportedDMResult, error)
	GetSupportedProtocol(ctx context.Context, a controller.Agent) (string, error)
}

// execute runs the command and prints its result. ok is false when a path
// failed; err is a failure of the whole request.
func execute(ctx context.Context, r requester, o options, stdout, stderr io.Writer) (ok bool, err error) {
	agent := controller.Agent{EndpointID: o.to, Topic: o.agentTopic}
	switch o.command {
	case "get":
		res, err := r.Get(ctx, agent, o.paths, uint32(o.maxDepth))
		if err != nil {
			return false, err
		}
		return printGet(stdout, stderr, res, o.json)
	case "instances":
		res, err := r.GetInstances(ctx, agent, o.paths, o.firstLevel)
		if err != nil {
			return false, err
		}
		return printInstances(stdout, stderr, res, o.json)
	case "supported-dm":
		res, err := r.GetSupportedDM(ctx, agent, o.paths, controller.SupportedDMOptions{
			FirstLevelOnly: o.firstLevel, Commands: true, Events: true, Params: true, UniqueKeySets: true,
		})
		if err != nil {
			return false, err
		}
		return printSupportedDM(stdout, stderr, res, o.json)
	case "gsp":
		v, err := r.GetSupportedProtocol(ctx, agent)
		if err != nil {
			return false, err
		}
		return printVersions(stdout, v, o.json)
	}
	return false, fmt.Errorf("unknown command %q", o.command)
}
