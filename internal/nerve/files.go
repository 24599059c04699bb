package nerve

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
)

// touch updates path's times, creating it (and its directory) when
// missing: 0644 minus the umask, or exactly mode when file_mode is set,
// which an existing heartbeat then gets too.
func touch(path string, mode fs.FileMode) error {
	o := fileOptions(mode)
	now := time.Now()
	if err := os.Chtimes(path, now, now); err == nil {
		return atomicfile.SetPerm(path, o)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("touch %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, o.Perm)
	if err != nil {
		return fmt.Errorf("touch %s: %w", path, err)
	}
	if !o.Umask {
		err = f.Chmod(o.Perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("touch %s: %w", path, err)
	}
	return nil
}

// fileOptions is how nerve writes its files: exactly file_mode when set,
// else 0644 minus the umask, the mode they have always had.
func fileOptions(mode fs.FileMode) atomicfile.Options {
	if mode != 0 {
		return atomicfile.Options{Perm: mode}
	}
	return atomicfile.Options{Perm: 0o644, Umask: true}
}

// fileMode is the current config's file_mode, 0 before the first config.
func (d *Daemon) fileMode() fs.FileMode {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.current == nil {
		return 0
	}
	return d.current.FileMode
}
