package haproxy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
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

// installConfig writes text to the candidate path, runs check_command when
// do_checks is on, and renames it over config_file_path. On any failure
// the live file is untouched: stale beats partial.
func (g *Generator) installConfig(ctx context.Context, text string) error {
	candidate := g.cfg.CandidatePath()
	if err := writeSynced(candidate, []byte(text)); err != nil {
		_ = os.Remove(candidate)
		return err
	}
	if g.cfg.DoChecks {
		out, err := runShell(ctx, g.cfg.CheckCommand, CommandTimeout)
		if err != nil {
			// The candidate stays for a human to inspect, as in the original.
			return fmt.Errorf("%w: %w: %s", errCheckFailed, err, out)
		}
	}
	return installFile(candidate, g.cfg.ConfigFilePath, []byte(text))
}

// installFile moves candidate over path. A rename is atomic only within a
// directory (and file system), so a candidate elsewhere is copied to a
// temp file beside path first.
func installFile(candidate, path string, data []byte) error {
	if filepath.Dir(candidate) != filepath.Dir(path) {
		if err := writeAtomic(path, data); err != nil {
			return err
		}
		_ = os.Remove(candidate)
		return nil
	}
	if err := os.Rename(candidate, path); err != nil {
		_ = os.Remove(candidate)
		return fmt.Errorf("install config: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// writeAtomic replaces path with data through a synced temp file in the
// same directory, so a reader (HAProxy reloading, a crash) sees the old
// file or the new one, never a truncated one.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = writeAndSync(f, data)
	if err == nil {
		// CreateTemp makes 0600 files; readers such as a haproxy running
		// as another user need the mode the file had.
		err = os.Chmod(tmp, fileMode(path))
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// fileMode is the mode of the file at path, 0644 when there is none.
func fileMode(path string) fs.FileMode {
	if fi, err := os.Stat(path); err == nil {
		return fi.Mode().Perm()
	}
	return 0o644
}

// writeSynced writes path in place (the candidate, which check_command
// reads by name) and syncs it, so the later rename cannot expose an empty
// file after a crash.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return fmt.Errorf("write candidate config: %w", err)
	}
	if err := writeAndSync(f, data); err != nil {
		return fmt.Errorf("write candidate config %s: %w", path, err)
	}
	return nil
}

func writeAndSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename durable. Some file systems refuse to sync a
// directory; the rename itself has happened, so that is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	_ = d.Sync()
	return d.Close()
}
