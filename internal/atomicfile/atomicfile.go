// Package atomicfile replaces whole files so that a reader (HAProxy
// reloading, a tool polling a file_output file) or the machine after a
// crash sees the old content or the new, never a part. Every file the
// daemons write whole goes through Write: the data goes to a temp file in
// the target's directory, is synced, gets its mode, is optionally
// validated, and is renamed over the target; the directory is then synced
// so that the rename itself survives a crash.
//
// The mode is always decided here. The temp file is created with Perm, so
// the umask can only remove bits while it is being written, and is then
// set to exactly Perm with fchmod: the umask does not apply, and
// os.CreateTemp's 0600 never leaks into the target. Options.Umask asks for
// open(2)'s behaviour instead (Perm minus the umask), which file_output
// keeps for compatibility with the original.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// DefaultPerm is the mode of a new file when Options.Perm is zero.
const DefaultPerm fs.FileMode = 0o644

// Options says how Write replaces a file. The zero value writes a file
// with mode 0644 through a fresh temp file beside it.
type Options struct {
	// Perm is the target's permission bits (DefaultPerm when zero).
	Perm fs.FileMode
	// KeepPerm makes an existing target's permission bits win over Perm,
	// so that an operator's chmod survives every rewrite.
	KeepPerm bool
	// Umask applies the process umask to Perm, as open(2) does, instead of
	// setting Perm exactly.
	Umask bool
	// Temp is the temp file's path, for a validator that reads it by a
	// configured name (haproxy's candidate config). Empty means a fresh
	// name, .<base>.tmp<random>, beside the target. A Temp in another
	// directory is validated there and copied beside the target before the
	// rename, since a rename is atomic only within one file system.
	Temp string
	// Validate, when set, runs after the temp file is written and synced,
	// with its path. An error leaves the target untouched and is returned
	// wrapped.
	Validate func(temp string) error
	// KeepRejected leaves a temp file that Validate refused in place, for
	// a human to inspect; by default it is removed.
	KeepRejected bool
}

// explicit reports whether o fixes the target's mode regardless of what
// the file or the umask says.
func (o Options) explicit() bool { return !o.KeepPerm && !o.Umask }

func (o Options) perm() fs.FileMode {
	if o.Perm == 0 {
		return DefaultPerm
	}
	return o.Perm.Perm()
}

// Write replaces path with data. On any error path is untouched and no
// temp file is left behind (except a rejected one kept by KeepRejected).
func Write(path string, data []byte, o Options) error {
	return WriteFrom(path, byteSource(data), o)
}

// byteSource writes its bytes whole every time (a bytes.Reader would
// write them once).
type byteSource []byte

func (b byteSource) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(b)
	return int64(n), err
}

// WriteFrom is Write with the content written by src, for a caller that
// holds it in pieces (haproxy.cfg as its services' lines): joining them
// first would copy it whole. src may be asked to write twice (a Temp in
// another directory) and must write the same bytes each time.
func WriteFrom(path string, src io.WriterTo, o Options) error {
	perm, chmod := o.perm(), !o.Umask
	if o.KeepPerm {
		if fi, err := os.Stat(path); err == nil {
			perm, chmod = fi.Mode().Perm(), true
		}
	}
	// The messages leave the path to the os errors, which name it.
	tmp, err := writeTemp(path, o.Temp, src, perm, chmod)
	if err != nil {
		return fmt.Errorf("write temp file: %w", err)
	}
	if o.Validate != nil {
		if err := o.Validate(tmp); err != nil {
			if !o.KeepRejected {
				_ = os.Remove(tmp)
			}
			return fmt.Errorf("validate temp file %s: %w", tmp, err)
		}
	}
	if filepath.Dir(tmp) != filepath.Dir(path) {
		// Validated elsewhere: install a copy from beside path.
		err := WriteFrom(path, src, Options{Perm: perm, Umask: !chmod})
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("replace file: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// WriteIfChanged replaces path with data unless it already holds exactly
// data, so that readers watching mtime or inode react only to real
// changes. An unchanged file still gets an explicit Perm (see SetPerm). It
// reports whether it wrote.
func WriteIfChanged(path string, data []byte, o Options) (bool, error) {
	if Same(path, data) {
		return false, SetPerm(path, o)
	}
	return true, Write(path, data, o)
}

// SetPerm gives an existing file the mode o fixes, when o fixes one (not
// KeepPerm, not Umask): a tightened mode then applies at start-up even if
// the content does not change. A missing file is not an error.
func SetPerm(path string, o Options) error {
	if !o.explicit() {
		return nil
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil && fi.Mode().Perm() != o.perm() {
		err = os.Chmod(path, o.perm())
	}
	if err != nil {
		return fmt.Errorf("set mode of %s: %w", path, err)
	}
	return nil
}

// Same reports whether path is a regular file holding exactly want. Any
// error reads as "different": the write that follows reports the real one.
func Same(path string, want []byte) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(want)) {
		return false
	}
	got, err := io.ReadAll(io.LimitReader(f, int64(len(want))+1))
	return err == nil && bytes.Equal(got, want)
}

// writeTemp creates the temp file (named, or fresh beside path), writes
// src and syncs it and sets perm when chmod is true. It returns the temp
// file's path; on error nothing is left behind.
func writeTemp(path, named string, src io.WriterTo, perm fs.FileMode, chmod bool) (string, error) {
	f, err := createTemp(path, named, perm)
	if err != nil {
		return "", err
	}
	_, err = src.WriteTo(f)
	if err == nil && chmod {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// createTemp opens a new temp file exclusively (O_EXCL never follows a
// symlink planted at the name). A named temp left by an earlier run is
// removed first, so its old mode cannot carry over.
func createTemp(path, named string, perm fs.FileMode) (*os.File, error) {
	const flags = os.O_RDWR | os.O_CREATE | os.O_EXCL
	if named != "" {
		if err := os.Remove(named); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return os.OpenFile(named, flags, perm)
	}
	prefix := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	for range 100 {
		f, err := os.OpenFile(prefix+strconv.FormatUint(rand.Uint64()%1e9, 10), flags, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temp file name beside %s", path)
}

// syncDir makes the rename durable. It is best effort: some file systems
// refuse to sync a directory, and once the rename has happened reporting
// an error would make the caller believe the old file is still in place.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
