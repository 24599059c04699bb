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

	"github.com/smartstack-go/smartstack/internal/version"
)

// Exit codes. ExitConfig is what the originals return for a config they
// cannot load, so supervisors that special-case it keep working.
const (
	ExitOK     = 0
	ExitError  = 1
	ExitConfig = 1
)

// CodeError carries an exit code for an error that was already printed.
type CodeError struct{ Code int }

func (e CodeError) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// NewLogger builds the slog logger of --log-level and --log-format.
func NewLogger(level, format string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	ho := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, ho)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, ho)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", format)
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

// VersionCmd is the `version` subcommand.
func VersionCmd(daemon string) *cobra.Command {
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
	err := cmd.Execute()
	var ee CodeError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	default:
		fmt.Fprintln(stderr, daemon+":", err)
		return ExitError
	}
}
