package cli

import (
	"errors"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/synapse"
	"github.com/smartstack-go/smartstack/internal/synapse/config"
)

// onceFlags are --once and its companions.
type onceFlags struct {
	enabled, dryRun bool
	timeout         time.Duration
}

func (f *onceFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.enabled, "once", false, fmt.Sprintf("discover every service, write haproxy.cfg (through check_command) and the other generators' outputs, and exit; "+
		"HAProxy is neither reloaded nor told (exit %d written, %d config error, %d otherwise)", cliutil.ExitOK, cliutil.ExitConfig, cliutil.ExitError))
	fs.BoolVar(&f.dryRun, "dry-run", false, "with --once: print haproxy.cfg to stdout and write nothing")
	fs.DurationVar(&f.timeout, "once-timeout", synapse.DefaultOnceTimeout, "with --once: how long to wait for every service's first discovery")
}

// runOnce is --once: logs go to stderr, and with --dry-run the config to
// stdout, so it can be piped or diffed.
func runOnce(cmd *cobra.Command, o *options) error {
	if o.once.dryRun && !o.once.enabled {
		return errors.New("--dry-run goes with --once")
	}
	stderr := cmd.ErrOrStderr()
	log, err := cliutil.NewLogger(o.logLevel, o.logFormat, stderr)
	if err != nil {
		return err
	}
	loadFn := config.Load
	if o.once.dryRun {
		loadFn = config.LoadDryRun
	}
	d, err := loadWith(loadFn, o.config)
	if err != nil {
		cliutil.PrintProblems(stderr, "synapse", err)
		return cliutil.CodeError{Code: cliutil.ExitConfig}
	}
	for _, w := range d.Warnings {
		log.Warn("config warning: " + w)
	}
	// SIGTERM or SIGINT stops the watchers and exits without writing.
	ctx, stop := signal.NotifyContext(cmdContext(cmd), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	err = synapse.Once(ctx, d, synapse.OnceOptions{Logger: log, Timeout: o.once.timeout,
		DryRun: o.once.dryRun, Out: cmd.OutOrStdout()})
	var cfgErr *synapse.ConfigError
	switch {
	case errors.As(err, &cfgErr):
		cliutil.PrintProblems(stderr, "synapse", cfgErr.Err)
		return cliutil.CodeError{Code: cliutil.ExitConfig}
	case err != nil:
		return fmt.Errorf("--once: %w", err)
	}
	return nil
}
