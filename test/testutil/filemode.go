package testutil

import (
	"io/fs"
	"os"
	"testing"
)

// WriteFileMode writes data to path with exactly mode: os.WriteFile leaves
// the umask to decide, and tests of file modes must not depend on it.
func WriteFileMode(t testing.TB, path, data string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// FileMode returns the permission bits of the file at path.
func FileMode(t testing.TB, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
