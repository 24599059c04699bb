package fileoutput

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// Without file_mode the files get 0644 minus the umask, as the original's;
// file_mode sets an exact mode, also on a file whose content is unchanged.
func TestFileMode(t *testing.T) {
	tests := []struct {
		name      string
		fileMode  fs.FileMode
		umask     int
		unchanged fs.FileMode // mode of an existing file with the same content
		want      fs.FileMode
	}{
		{name: "default", umask: 0o022, want: 0o644},
		{name: "default takes the umask", umask: 0o027, want: 0o640},
		{name: "file_mode", fileMode: 0o600, umask: 0o022, want: 0o600},
		{name: "file_mode ignores the umask", fileMode: 0o664, umask: 0o022, want: 0o664},
		{name: "file_mode on an unchanged file", fileMode: 0o640, umask: 0o022, unchanged: 0o644, want: 0o640},
		{name: "default leaves an unchanged file", umask: 0o022, unchanged: 0o600, want: 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(tt.umask)
			defer syscall.Umask(old)
			dir := t.TempDir()
			path := filepath.Join(dir, "web.json")
			svc := service("web", 1, enabled, hostPort("10.0.0.1", 80))
			if tt.unchanged != 0 {
				data, err := render(svc.Backends)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, data, tt.unchanged); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.unchanged); err != nil {
					t.Fatal(err)
				}
			}
			g, err := NewGenerator(Config{OutputDirectory: dir, FileMode: tt.fileMode}, generator.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Update(context.Background(), []generator.Service{svc}); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.want {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.want)
			}
		})
	}
}
