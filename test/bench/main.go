// Command bench measures how fast synapse carries ZooKeeper changes into
// HAProxy's runtime state, against a floor measured in the same run: one
// ZooKeeper watch round trip plus one runtime-API command. It starts a
// private ZooKeeper, private HAProxys and the synapse binary on loopback,
// in one temp dir, and stops them all by PID on exit or Ctrl-C. It prints a
// table and writes JSON; it fails only when it cannot run, never on a
// number (timings on a shared machine are not a verdict). Run it with `make bench`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// options are the command line.
type options struct {
	synapse         string
	out             string
	services        int
	backends        int
	events          int
	gap             time.Duration
	eventTimeout    time.Duration
	startTimeout    time.Duration
	restartInterval float64
	floorSamples    int
	burstServices   int
	burstBackends   int
	scaleServices   int
	scaleBackends   int
	scaleEvents     int
	full            bool
	skip            string
	seed            int64
	keep            bool
	dynamicServers  string
	zkWatchMode     string
	poll            time.Duration
	only            string
	nerve           string
	nerveServices   int
	nerveInterval   time.Duration
	nerveWarmup     time.Duration
	nerveDuration   time.Duration
	nerveKeepAlive  bool
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.synapse, "synapse", "bin/synapse", "synapse binary (make build)")
	flag.StringVar(&o.out, "out", "test/bench/out/results.json", "JSON results file")
	flag.IntVar(&o.services, "services", 10, "propagation: services")
	flag.IntVar(&o.backends, "backends", 10, "propagation: backends per service at start")
	flag.IntVar(&o.events, "events", 1000, "propagation: random add/remove/weight events")
	flag.DurationVar(&o.gap, "gap", 50*time.Millisecond, "propagation: pause after an event is visible")
	flag.DurationVar(&o.poll, "poll", 200*time.Microsecond, "propagation: pause between two reads of HAProxy's state")
	flag.DurationVar(&o.eventTimeout, "event-timeout", 15*time.Second, "propagation: give up on one event after")
	flag.DurationVar(&o.startTimeout, "start-timeout", 5*time.Minute, "give up on a scenario's start-up after")
	flag.Float64Var(&o.restartInterval, "restart-interval", 2, "synapse haproxy.restart_interval in seconds (its default is 2)")
	flag.IntVar(&o.floorSamples, "floor-samples", 200, "floor: samples of each round trip")
	flag.IntVar(&o.burstServices, "burst-services", 50, "deploy burst: services")
	flag.IntVar(&o.burstBackends, "burst-backends", 1000, "deploy burst: backends registered at once, spread over the services")
	flag.IntVar(&o.scaleServices, "scale-services", 1000, "scale: services")
	flag.IntVar(&o.scaleBackends, "scale-backends", 50, "scale: backends per service")
	flag.IntVar(&o.scaleEvents, "scale-events", 100, "scale: random events after start-up, timed as in propagation")
	flag.BoolVar(&o.full, "full", false, "force the issue's sizes (scale 1000 x 50, burst 1000 over 50) over the size flags")
	flag.StringVar(&o.skip, "skip", "", "comma-separated scenarios to skip: propagation,burst,scale,nerve-cpu")
	flag.StringVar(&o.only, "only", "", "comma-separated scenarios to run, skipping the others (the floor always runs)")
	flag.StringVar(&o.nerve, "nerve", "bin/nerve", "nerve binary (make build); nerve-cpu runs several, comma-separated, side by side in one window")
	flag.IntVar(&o.nerveServices, "nerve-services", 500, "nerve-cpu: services, one http check each")
	flag.DurationVar(&o.nerveInterval, "nerve-interval", time.Second, "nerve-cpu: check_interval")
	flag.DurationVar(&o.nerveWarmup, "nerve-warmup", 10*time.Second, "nerve-cpu: wait after every service is registered, before measuring")
	flag.DurationVar(&o.nerveDuration, "nerve-duration", time.Minute, "nerve-cpu: the window nerve's CPU time is measured over")
	flag.BoolVar(&o.nerveKeepAlive, "nerve-keep-alive", false, "nerve-cpu: set the http checks' keep_alive")
	flag.Int64Var(&o.seed, "seed", 1, "random seed of the events")
	flag.StringVar(&o.dynamicServers, "dynamic-servers", "", "synapse haproxy.dynamic_servers (auto or off); empty keeps synapse's default")
	flag.StringVar(&o.zkWatchMode, "zk-watch-mode", "", "synapse zk_watch_mode (auto, persistent or classic); empty keeps synapse's default")
	flag.BoolVar(&o.keep, "keep", false, "keep the temp dir (logs, configs) for inspection")
	flag.Parse()
	if o.full {
		o.scaleServices, o.scaleBackends = 1000, 50
		o.burstServices, o.burstBackends = 50, 1000
	}
	return o
}

func main() {
	o := parseFlags()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if _, err := os.Stat(o.synapse); err != nil {
		return fmt.Errorf("synapse binary: %w (run `make build`)", err)
	}
	for _, bin := range strings.Split(o.nerve, ",") {
		if _, err := os.Stat(bin); err != nil && !o.skipped("nerve-cpu") {
			return fmt.Errorf("nerve binary: %w (run `make build`)", err)
		}
	}
	e, err := newEnv(o.synapse, o.keep)
	if err != nil {
		return err
	}
	defer e.close()
	r := &results{Started: time.Now().UTC(), Options: o.record()}
	r.Machine = machine(e)
	if r.Floor, err = measureFloor(ctx, e, o.floorSamples); err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	if err := runScenarios(ctx, e, o, r); err != nil {
		return err
	}
	r.print(os.Stdout)
	return r.write(o.out)
}

// runScenarios runs each one not skipped; each stops its own processes so
// the next has both cores.
func runScenarios(ctx context.Context, e *env, o options, r *results) error {
	steps := []struct {
		name string
		run  func(context.Context, *env, options, *results) error
	}{
		{"propagation", func(ctx context.Context, e *env, o options, r *results) (err error) {
			p, err := runPropagation(ctx, e, o)
			r.Propagation = &p
			return err
		}},
		{"burst", func(ctx context.Context, e *env, o options, r *results) (err error) {
			b, err := runBurst(ctx, e, o)
			r.Burst = &b
			return err
		}},
		{"scale", func(ctx context.Context, e *env, o options, r *results) (err error) {
			s, err := runScale(ctx, e, o)
			r.Scale = &s
			return err
		}},
		{"nerve-cpu", func(ctx context.Context, e *env, o options, r *results) (err error) {
			r.NerveCPU, err = runNerveCPU(ctx, e, o)
			return err
		}},
	}
	for _, s := range steps {
		if o.skipped(s.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s...\n", s.name)
		sub := e.sub()
		err := s.run(ctx, sub, o, r)
		sub.close()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}
