// Package cli is nerve's command line: flags, environment variables and exit
// codes, kept apart from the daemon so main stays trivial.
package cli

import (
	"io"
	"os"
	"time"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/nerve/admin"
	"github.com/spf13/cobra"
)

type options struct {
	config         string
	overlay        string
	instanceID     string
	checkConfig    bool
	logLevel       string
	logFormat      string
	maintenanceDir string
	// adminSocket is the admin socket's path ("" disables it); with
	// adminExplicit false it is only the default, so failing to create it
	// is a warning rather than a startup error.
	adminSocket   string
	adminExplicit bool
	adminGroup    string
	// zkSessionTimeout is the ZooKeeper session timeout nerve asks for;
	// 0 keeps the reporter's default (the original's 32 s).
	zkSessionTimeout time.Duration
	// env is the environment the flags' defaults and the config loader (NERVE_CONFIG, ...) read.
	env lookupEnv
}

// defaultMaintenanceDir sits beside Yelp's /var/run/nerve/heartbeat.
const defaultMaintenanceDir = "/var/run/nerve/maintenance"

// NewRootCmd builds the nerve command. Env vars are the original's defaults,
// overridden by flags.
func NewRootCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd, _ := newRootCmd(stdout, stderr, os.LookupEnv)
	return cmd
}

// lookupEnv is os.LookupEnv's signature; tests pass their own environment.
type lookupEnv func(name string) (string, bool)

func newRootCmd(stdout, stderr io.Writer, lookup lookupEnv) (*cobra.Command, *options) {
	getenv := func(name string) string { v, _ := lookup(name); return v }
	o := &options{env: lookup}
	cmd := cliutil.RootCmd("nerve -c nerve.conf.json",
		"nerve health-checks local services and registers the healthy ones in ZooKeeper",
		"Under systemd (Type=notify) it sends READY=1 once every service's first check round has\n"+
			"been reported, WATCHDOG=1 while its main loop runs, and RELOADING=1/READY=1 around SIGHUP.",
		stdout, stderr, func() string { return o.config }, "NERVE_CONFIG", func(cmd *cobra.Command) error {
			o.adminExplicit = o.adminExplicit || cmd.Flags().Changed("admin-socket")
			if o.checkConfig {
				return checkConfig(o, cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			return run(cmd.Context(), o, cmd.ErrOrStderr())
		})
	f := cmd.Flags()
	f.StringVarP(&o.config, "config", "c", getenv("NERVE_CONFIG"), "config file (JSON or YAML); env NERVE_CONFIG")
	f.StringVarP(&o.overlay, "config-overlay", "o", getenv("NERVE_CONFIG_OVERLAY"), "overlay config merged over the main one, reloaded when its mtime changes; env NERVE_CONFIG_OVERLAY")
	f.StringVarP(&o.instanceID, "instance_id", "i", getenv("NERVE_INSTANCE_ID"), "instance id, overrides the config; env NERVE_INSTANCE_ID")
	_, envCheck := lookup("NERVE_CHECK_CONFIG")
	f.BoolVarP(&o.checkConfig, "check-config", "k", envCheck, "validate the config and exit; env NERVE_CHECK_CONFIG (any value)")
	cliutil.AddLogFlags(f, &o.logLevel, &o.logFormat, lookup)
	f.StringVar(&o.maintenanceDir, "maintenance-dir", envOr(lookup, "NERVE_MAINTENANCE_DIR", defaultMaintenanceDir), "maintenance spool directory; a file named after a service (or all) takes it out of rotation; env NERVE_MAINTENANCE_DIR")
	f.StringVar(&o.adminSocket, "admin-socket", envOr(lookup, "NERVE_ADMIN_SOCKET", admin.DefaultSocket(lookup)),
		"admin socket (UNIX, mode 0660) for maintenance and every other state change; \"\" disables it; env NERVE_ADMIN_SOCKET; default $RUNTIME_DIRECTORY/nerve.sock under systemd")
	_, o.adminExplicit = lookup("NERVE_ADMIN_SOCKET")
	f.StringVar(&o.adminGroup, "admin-group", getenv("NERVE_ADMIN_GROUP"), "group (name or gid) owning the admin socket; its members may change nerve's state; default the daemon's own group; env NERVE_ADMIN_GROUP")
	f.DurationVar(&o.zkSessionTimeout, "zk-session-timeout", 0, "ZooKeeper session timeout to request (0: 32s, the original's)")
	cliutil.AddVersion(cmd, "nerve")
	cmd.AddCommand(maintCmd(lookup), weightCmd(lookup), statusCmd(lookup))
	return cmd, o
}

func envOr(lookup lookupEnv, name, def string) string {
	if v, ok := lookup(name); ok {
		return v
	}
	return def
}

// Main runs nerve with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	return mainEnv(args, stdout, stderr, os.LookupEnv)
}

func mainEnv(args []string, stdout, stderr io.Writer, lookup lookupEnv) int {
	cmd, _ := newRootCmd(stdout, stderr, lookup)
	return cliutil.Execute(cmd, "nerve", args, stderr)
}
