package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/smartstack-go/smartstack/internal/cliutil"
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
	log.Info("starting synapse", "config", o.config)
	if err := cliutil.RunDaemon(ctx, d.Run); err != nil {
		return cliutil.RunFailed(stderr, "synapse", err)
	}
	return nil
}

// checkConfig is -k: load and validate everything, build the generators
// and watchers, run and connect nothing. Warnings and problems go to
// stderr, the verdict to stdout.
func checkConfig(o *options, stdout, stderr io.Writer) error {
	d, err := load(o.config)
	for _, w := range d.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err == nil {
		err = buildWatchers(d)
	}
	if err != nil {
		cliutil.PrintProblems(stderr, "synapse", err)
		return cliutil.CodeError{Code: ExitConfig}
	}
	fmt.Fprintln(stdout, "configuration check succeeded")
	return nil
}
