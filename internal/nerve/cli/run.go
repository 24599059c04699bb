package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/lifecycle"
	"github.com/smartstack-go/smartstack/internal/metrics"
	"github.com/smartstack-go/smartstack/internal/nerve"
	"github.com/smartstack-go/smartstack/internal/statsd"
)

// run is the daemon: SIGTERM/SIGINT end it cleanly (every registration is
// deleted first), SIGHUP reloads the config.
func run(ctx context.Context, o *options, stderr io.Writer) error {
	log, err := cliutil.NewLogger(o.logLevel, o.logFormat, stderr)
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry()
	var watch []string
	if o.overlay != "" {
		watch = []string{o.overlay}
	}
	// Reporters send statsd through the daemon, which owns the client;
	// d is set before Run builds the first reporter.
	var d *nerve.Daemon
	sd := func() *statsd.Client { return d.Statsd() }
	d, err = nerve.New(nerve.Options{Logger: log, Registerer: reg, Gatherer: reg,
		Load: loader(o, log, reg, sd), WatchFiles: watch, MaintenanceDir: o.maintenanceDir,
		AdminSocket: o.adminSocket, AdminGroup: o.adminGroup, AdminSocketOptional: !o.adminExplicit,
		Notifier: &lifecycle.Systemd{Log: log}, WatchdogInterval: lifecycle.WatchdogInterval()})
	if err != nil {
		return err
	}
	log.Info("starting nerve", "config", o.config)
	if err := cliutil.RunDaemon(ctx, d.Run); err != nil {
		return cliutil.RunFailed(stderr, "nerve", err)
	}
	return nil
}

// checkConfig is -k: load and validate everything without connecting.
// Warnings and problems go to stderr, the verdict to stdout.
func checkConfig(o *options, stdout, stderr io.Writer) error {
	log := slog.New(slog.DiscardHandler)
	cfg, err := loader(o, log, nil, nil)()
	if cfg != nil {
		for _, w := range cfg.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	if err != nil {
		cliutil.PrintProblems(stderr, "nerve", err)
		return cliutil.CodeError{Code: cliutil.ExitConfig}
	}
	fmt.Fprintln(stdout, "configuration check succeeded")
	return nil
}
