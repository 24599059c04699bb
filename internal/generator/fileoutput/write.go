package fileoutput

import (
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
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
// only to real changes. The temp file is the original's, .<name>.tmp in
// the same directory. It reports whether it wrote.
func writeIfChanged(dir, name string, data []byte, o atomicfile.Options) (bool, error) {
	o.Temp = filepath.Join(dir, "."+name+".tmp")
	return atomicfile.WriteIfChanged(filepath.Join(dir, name), data, o)
}

// fileOptions is how the files are written: with mode when the operator
// set file_mode, else 0644 minus the umask, the mode the original's
// File.open gives.
func fileOptions(mode fs.FileMode) atomicfile.Options {
	if mode != 0 {
		return atomicfile.Options{Perm: mode}
	}
	return atomicfile.Options{Perm: 0o644, Umask: true}
}
