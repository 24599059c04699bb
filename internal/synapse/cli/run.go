package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/smartstack-go/smartstack/internal/metrics"
	"github.com/smartstack-go/smartstack/internal/synapse"
)

func newLogger(o *options, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	ho := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, ho)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, ho)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", o.logFormat)
}

// run is the daemon: SIGTERM/SIGINT stop it cleanly, leaving HAProxy and
// haproxy.cfg as they are; SIGHUP reloads the config.
func run(ctx context.Context, o *options, stderr io.Writer) error {
	log, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	reg := metrics.NewRegistry()
	d, err := synapse.New(synapse.Options{Logger: log, Registerer: reg, Gatherer: reg,
		Load: func() (*synapse.Desired, error) { return load(o.config) }})
	if err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	fctx, fcancel := context.WithCancel(ctx)
	fdone := make(chan struct{})
	go func() { defer close(fdone); forward(fctx, hup, reload) }()
	defer func() { fcancel(); <-fdone }()
	log.Info("starting synapse", "config", o.config)
	if err := d.Run(ctx, reload); err != nil {
		printProblems(stderr, err)
		return exitError{code: ExitConfig}
	}
	return nil
}

// forward turns SIGHUPs into reload requests, coalescing bursts; it ends
// with ctx (the daemon's lifetime).
func forward(ctx context.Context, hup <-chan os.Signal, reload chan<- struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}
}

// checkConfig is -k: load and validate everything, build the generators
// and watchers, run and connect nothing.
func checkConfig(o *options, stdout io.Writer) error {
	d, err := load(o.config)
	for _, w := range d.Warnings {
		fmt.Fprintln(stdout, "warning:", w)
	}
	if err == nil {
		err = buildWatchers(d)
	}
	if err != nil {
		printProblems(stdout, err)
		return exitError{code: ExitConfig}
	}
	fmt.Fprintln(stdout, "configuration check succeeded")
	return nil
}

// printProblems prints a joined error one problem per line.
func printProblems(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintln(w, "synapse: config error:", line)
		}
	}
}
