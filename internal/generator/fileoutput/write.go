package fileoutput

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// render is Ruby's backends.to_json: a compact array, no trailing newline,
// each backend in its fixed seven-key form.
func render(backends []registration.Backend) ([]byte, error) {
	buf := make([]byte, 0, 2+160*len(backends))
	buf = append(buf, '[')
	for i, b := range backends {
		if i > 0 {
			buf = append(buf, ',')
		}
		var err error
		if buf, err = b.AppendJSON(buf); err != nil {
			return nil, fmt.Errorf("backend %d: %w", i, err)
		}
	}
	return append(buf, ']'), nil
}

// writeIfChanged replaces dir/name with data unless it already holds
// exactly data: readers that watch the file's mtime or inode then react
// only to real changes. It reports whether it wrote.
func writeIfChanged(dir, name string, data []byte) (bool, error) {
	path := filepath.Join(dir, name)
	if sameContent(path, data) {
		return false, nil
	}
	if err := writeAtomic(dir, name, data); err != nil {
		return false, err
	}
	return true, nil
}

// sameContent reports whether path is a file holding exactly want. Any
// error reads as "different": the write that follows reports the real one.
func sameContent(path string, want []byte) bool {
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

// writeAtomic writes the original's temp file, .<name>.tmp in the same
// directory, and renames it over dir/name, so a reader sees the old file or
// the new one, never a part. The fsyncs make the new content survive a
// crash once the rename is visible.
func writeAtomic(dir, name string, data []byte) (err error) {
	tmp := filepath.Join(dir, "."+name+".tmp")
	// 0o644 is the original's mode (the umask applies, as in Ruby).
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write temp file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write temp file: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("replace file: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes the rename itself durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	// Some file systems cannot fsync a directory; the data is already safe.
	if err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}
