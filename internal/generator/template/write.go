package template

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// writeIfChanged replaces path with data unless it already holds exactly
// data, so readers watching mtime or inode, and the command, react only to
// real changes. It reports whether it wrote.
func writeIfChanged(path string, data []byte, mode os.FileMode) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp*")
	if err != nil {
		return false, fmt.Errorf("write temp file: %w", err)
	}
	tmp := f.Name()
	err = writeSync(f, data, mode)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	// The directory fsync makes the rename itself survive a crash.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return true, nil
}

// writeSync writes, sets the mode (CreateTemp makes 0600) and fsyncs, so
// the renamed file is never seen empty after a crash.
func writeSync(f *os.File, data []byte, mode os.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// runCommand runs command with sh -c, killed after timeout. Its output is
// kept for the error: a failing reload must say why.
func runCommand(ctx context.Context, command string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	// Don't wait on the command's grandchildren holding the pipe.
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("command %q: %w: %.500s", command, err, strings.TrimSpace(string(out)))
	}
	return nil
}
