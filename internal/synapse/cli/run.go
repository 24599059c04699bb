package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/lifecycle"
	"github.com/smartstack-go/smartstack/internal/metrics"
	"github.com/smartstack-go/smartstack/internal/synapse"
	"github.com/smartstack-go/smartstack/internal/watcher/zookeeper"
)

// run is the daemon: SIGTERM/SIGINT stop it cleanly, leaving HAProxy and
// haproxy.cfg as they are; SIGHUP reloads the config.
func run(ctx context.Context, o *options, stderr io.Writer) error {
	log, err := cliutil.NewLogger(o.logLevel, o.logFormat, stderr)
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry()
	reg.MustRegister(zookeeper.ConnectedCollector())
	d, err := synapse.New(synapse.Options{Logger: log, Registerer: reg, Gatherer: reg,
		Load:        func() (*synapse.Desired, error) { return load(o.config) },
		AdminSocket: o.admin.socket, AdminGroup: o.admin.group, AdminSocketOptional: !o.admin.explicit,
		Notifier: &lifecycle.Systemd{Log: log}, WatchdogInterval: lifecycle.WatchdogInterval()})
	if err != nil {
		return err
	}
	mem, tuner := tuneMemory(os.Getenv)
	if tuner != nil {
		defer tuner.Stop()
	}
	log.Info("starting synapse", "config", o.config, "memory", mem)
	if err := cliutil.RunDaemon(ctx, d.Run); err != nil {
		return cliutil.RunFailed(stderr, "synapse", err)
	}
	return nil
}

// checkConfig is -k: load and validate everything, build the generators
// and watchers, render haproxy.cfg with the default servers and have the
// installed HAProxy check it (in a temporary directory); run and connect
// nothing. Warnings and problems go to stderr, the verdict to stdout.
// --strict fails on any warning.
func checkConfig(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	d, err := load(o.config)
	warnings := len(d.Warnings)
	for _, w := range d.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err == nil {
		err = buildWatchers(d)
	}
	if err == nil {
		var probs []generator.Problem
		probs, err = synapse.Check(ctx, d, nil)
		var errs []error
		for _, p := range probs {
			switch p.Severity {
			case generator.Error:
				errs = append(errs, errors.New(p.Message))
			case generator.Warning:
				warnings++
				fmt.Fprintln(stderr, "warning:", p.Message)
			default:
				fmt.Fprintln(stderr, "note:", p.Message)
			}
		}
		err = errors.Join(append(errs, err)...)
	}
	if err != nil {
		cliutil.PrintProblems(stderr, "synapse", err)
		return cliutil.CodeError{Code: cliutil.ExitConfig}
	}
	if o.strict && warnings > 0 {
		fmt.Fprintf(stderr, "synapse: config error: --strict: %d warning(s) above\n", warnings)
		return cliutil.CodeError{Code: cliutil.ExitConfig}
	}
	fmt.Fprintln(stdout, "configuration check succeeded")
	return nil
}
