package haproxy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
)

// CommandTimeout bounds check_command and reload_command. A reload that
// hangs must not stall the synapse loop; HAProxy's own checks and reloads
// take well under a second.
const CommandTimeout = 60 * time.Second

// commandWaitDelay is how long a finished or killed shell may leave its
// children holding our output pipe (a reload_command that backgrounds
// HAProxy does that).
const commandWaitDelay = time.Second

// runShell runs command through /bin/sh -c, as the original's backticks
// do, and returns its combined output.
func runShell(ctx context.Context, command string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.WaitDelay = commandWaitDelay
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil && err != nil {
		err = fmt.Errorf("%w (after %s)", ctx.Err(), timeout)
	}
	return strings.TrimSpace(string(out)), err
}

// errCheckFailed marks a candidate config that check_command refused.
var errCheckFailed = errors.New("check_command refused the candidate config")

// readLive returns the live config, "" when there is none yet.
func readLive(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read live config: %w", err)
	}
	return string(b), nil
}

// installConfig writes res's text to the candidate path, runs
// check_command when do_checks is on, and renames it over
// config_file_path. On any failure the live file is untouched: stale
// beats partial. A refused candidate stays for a human to inspect, as in
// the original.
func (g *Generator) installConfig(ctx context.Context, res *Result) error {
	o := g.files
	o.Temp, o.KeepRejected = g.cfg.CandidatePath(), true
	if g.cfg.DoChecks {
		o.Validate = func(string) error {
			out, err := runShell(ctx, g.cfg.CheckCommand, CommandTimeout)
			if err != nil {
				return fmt.Errorf("%w: %w: %s", errCheckFailed, err, out)
			}
			return nil
		}
	}
	// From the lines, in one buffered pass: no joined copy of the text.
	return atomicfile.WriteFrom(g.cfg.ConfigFilePath, res, o)
}

// fileOptions is how every file of this generator is written: with mode
// when the operator set file_mode, else keeping the mode the file has
// (0644 for a new one), so that a chmod by hand survives rewrites.
func fileOptions(mode fs.FileMode) atomicfile.Options {
	if mode != 0 {
		return atomicfile.Options{Perm: mode}
	}
	return atomicfile.Options{KeepPerm: true}
}

// applyFileMode gives the files that already exist the configured
// file_mode at start-up, so a tightened mode does not wait for the next
// change of their content.
func (g *Generator) applyFileMode() {
	for _, path := range []string{g.cfg.ConfigFilePath, g.cfg.StateFilePath, g.cfg.ServerStateFile} {
		if path == "" {
			continue
		}
		if err := atomicfile.SetPerm(path, g.files); err != nil {
			g.log.Warn("file mode not applied", "path", path, "err", err)
		}
	}
}
