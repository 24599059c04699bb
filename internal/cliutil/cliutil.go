// Package cliutil is what nerve's and synapse's command lines share: log
// setup, signal handling (SIGTERM/SIGINT stop, SIGHUP reloads), the exit
// code plumbing and the one-problem-per-line error output.
package cliutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/smartstack-go/smartstack/internal/version"
)

// Exit codes, sysexits.h where one fits, so a unit can say
// RestartPreventExitStatus=78: restarting does not fix a config. The
// originals exit 1 for everything (docs/compatibility.md).
const (
	// ExitOK: stopped cleanly (SIGTERM, SIGINT), or a command succeeded.
	ExitOK = 0
	// ExitError: a fatal error at run time, or a command that failed.
	ExitError = 1
	// ExitUnavailable (EX_UNAVAILABLE): start-up failed for a reason that
	// is not the config: a listener's port in use, a socket path that
	// cannot be created. A restart may succeed.
	ExitUnavailable = 69
	// ExitConfig (EX_CONFIG): the config file or the command line is
	// wrong; also what -k returns for a bad config.
	ExitConfig = 78
)

// ExitCodesHelp is the exit code paragraph of both daemons' --help.
const ExitCodesHelp = `Exit codes:
  0   stopped cleanly (SIGTERM or SIGINT), or -k found the config valid
  1   fatal error while running
  69  start-up failed for a reason other than the config (a port in use,
      the admin socket's path); a restart may succeed
  78  config error (the file or the command line), also -k on a bad config;
      a restart does not help`

// codedError gives an error its exit code.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// ConfigError marks err as a config problem (ExitConfig).
func ConfigError(err error) error { return &codedError{ExitConfig, err} }

// StartupError marks err as a start-up failure that is not the config
// (ExitUnavailable).
func StartupError(err error) error { return &codedError{ExitUnavailable, err} }

// ExitCode is err's exit code: ExitOK for nil, the code ConfigError or
// StartupError gave it, else ExitError.
func ExitCode(err error) int {
	var ce *codedError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ce):
		return ce.code
	}
	return ExitError
}

// CodeError carries an exit code for an error that was already printed.
type CodeError struct{ Code int }

func (e CodeError) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// RootCmd is a daemon's root command without flags: short, then the
// systemd notes and the exit codes as the long help. run gets the config
// path's check first: with configPath() empty it is not called, and the
// error names the -c flag and configEnv. Errors and usage are left to
// Execute.
func RootCmd(use, short, systemd string, stdout, stderr io.Writer, configPath func() string, configEnv string, run func(cmd *cobra.Command) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:           use,
		Short:         short,
		Long:          short + ".\n\n" + systemd + "\n\n" + ExitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath() == "" {
				return ConfigError(fmt.Errorf("no config file: pass -c FILE or set %s", configEnv))
			}
			return run(cmd)
		},
	}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	return cmd
}

// AddLogFlags adds --log-level (default info, or debug when the DEBUG
// environment variable is set to anything, as in the originals) and
// --log-format, the flags NewLogger takes.
func AddLogFlags(f *pflag.FlagSet, level, format *string, lookupEnv func(string) (string, bool)) {
	_, debug := lookupEnv("DEBUG")
	f.StringVar(level, "log-level", map[bool]string{true: "debug", false: "info"}[debug], "debug, info, warn or error; env DEBUG (any value) means debug")
	f.StringVar(format, "log-format", "text", "text or json")
}

// NewLogger builds the slog logger of --log-level and --log-format.
func NewLogger(level, format string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, ConfigError(fmt.Errorf("--log-level: %w", err))
	}
	ho := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, ho)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, ho)), nil
	}
	return nil, ConfigError(fmt.Errorf("--log-format: %q is not text or json", format))
}

// RunDaemon runs fn until SIGTERM or SIGINT cancels its context, turning each
// burst of SIGHUPs into one reload request. Both daemons exit 0 on those
// signals after cleaning up (the originals died by the signal).
func RunDaemon(ctx context.Context, fn func(ctx context.Context, reload <-chan struct{}) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	fctx, fcancel := context.WithCancel(ctx)
	fdone := make(chan struct{})
	go func() { defer close(fdone); forward(fctx, hup, reload) }()
	defer func() { fcancel(); <-fdone }()
	return fn(ctx, reload)
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

// PrintProblems prints a joined error one problem per line, each prefixed
// "<daemon>: config error:".
func PrintProblems(w io.Writer, daemon string, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintln(w, daemon+": config error:", line)
		}
	}
}

// RunFailed prints a daemon's fatal error (one line per problem, config
// errors as PrintProblems does) and returns the CodeError of its exit code.
func RunFailed(w io.Writer, daemon string, err error) error {
	code := ExitCode(err)
	if code == ExitConfig {
		PrintProblems(w, daemon, err)
		return CodeError{Code: code}
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintln(w, daemon+":", line)
		}
	}
	return CodeError{Code: code}
}

// AddVersion gives cmd the `version` subcommand and the --version flag,
// both printing the same line.
func AddVersion(cmd *cobra.Command, daemon string) {
	cmd.Version = version.String(daemon)
	cmd.SetVersionTemplate("{{.Version}}\n") // cobra adds --version (and -v)
	cmd.AddCommand(versionCmd(daemon))
}

// versionCmd is the `version` subcommand.
func versionCmd(daemon string) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), version.String(daemon))
		},
	}
}

// Execute runs cmd with args and maps its error to an exit code, printing
// errors that were not printed already.
func Execute(cmd *cobra.Command, daemon string, args []string, stderr io.Writer) int {
	cmd.SetArgs(args)
	// A flag the command line gets wrong is config too: restarting with
	// the same unit does not fix it.
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return ConfigError(err) })
	err := cmd.Execute()
	var ee CodeError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		fmt.Fprintln(stderr, daemon+":", err)
	}
	return ExitCode(err)
}
