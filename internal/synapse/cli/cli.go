// Package cli is synapse's command line: flags, environment variables and exit
// codes, kept apart from the daemon so main stays trivial.
package cli

import (
	"errors"
	"io"
	"os"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/spf13/cobra"
)

type options struct {
	config      string
	checkConfig bool
	strict      bool
	logLevel    string
	logFormat   string
	admin       adminFlags
	once        onceFlags
}

// NewRootCmd builds the synapse command. Env vars are the original's defaults,
// overridden by flags.
func NewRootCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &options{}
	cmd := cliutil.RootCmd("synapse -c synapse.conf.json",
		"synapse watches service discovery and keeps a local HAProxy pointed at the healthy backends",
		"Under systemd (Type=notify) it sends READY=1 once its first haproxy.cfg is written and\n"+
			"HAProxy runs it, WATCHDOG=1 while its loops run, and RELOADING=1/READY=1 around SIGHUP.",
		stdout, stderr, func() string { return o.config }, "SYNAPSE_CONFIG", func(cmd *cobra.Command) error {
			if o.strict && !o.checkConfig {
				return cliutil.ConfigError(errors.New("--strict goes with -k"))
			}
			if o.checkConfig {
				return checkConfig(cmdContext(cmd), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			o.admin.resolve(cmd)
			if o.once.enabled || o.once.dryRun {
				return runOnce(cmd, o)
			}
			return run(cmd.Context(), o, cmd.ErrOrStderr())
		})
	f := cmd.Flags()
	f.StringVarP(&o.config, "config", "c", os.Getenv("SYNAPSE_CONFIG"), "config file (JSON or YAML, ERB rendered); env SYNAPSE_CONFIG")
	f.BoolVarP(&o.checkConfig, "check-config", "k", false, "load and validate the config, build generators and watchers without connecting, render haproxy.cfg with the default servers and run `haproxy -c` on it in a temporary directory when haproxy is installed, and exit (0 valid, 78 not; problems on stderr)")
	f.BoolVar(&o.strict, "strict", false, "with -k: every warning (unknown key, translated HAProxy 1.x line, HAProxy warning) is an error")
	cliutil.AddLogFlags(f, &o.logLevel, &o.logFormat, os.LookupEnv)
	o.admin.register(f)
	o.once.register(f)
	cliutil.AddVersion(cmd, "synapse")
	cmd.AddCommand(statusCmd())
	return cmd
}

// Main runs synapse with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := NewRootCmd(stdout, stderr)
	return cliutil.Execute(cmd, "synapse", args, stderr)
}
