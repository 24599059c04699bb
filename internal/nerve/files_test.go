package nerve

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// The heartbeat is created 0644 minus the umask, or exactly file_mode,
// which an existing heartbeat gets too.
func TestTouchMode(t *testing.T) {
	tests := []struct {
		name     string
		mode     fs.FileMode
		umask    int
		existing fs.FileMode
		want     fs.FileMode
	}{
		{name: "default", umask: 0o022, want: 0o644},
		{name: "default takes the umask", umask: 0o027, want: 0o640},
		{name: "default keeps an existing mode", umask: 0o022, existing: 0o600, want: 0o600},
		{name: "file_mode", mode: 0o600, umask: 0o022, want: 0o600},
		{name: "file_mode ignores the umask", mode: 0o664, umask: 0o022, want: 0o664},
		{name: "file_mode on an existing heartbeat", mode: 0o640, existing: 0o644, want: 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(tt.umask)
			defer syscall.Umask(old)
			path := filepath.Join(t.TempDir(), "sub", "heartbeat")
			if tt.existing != 0 {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				testutil.WriteFileMode(t, path, "", tt.existing)
			}
			if err := touch(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			if got := testutil.FileMode(t, path); got != tt.want {
				t.Errorf("mode %v, want %v", got, tt.want)
			}
		})
	}
}

// file_mode reaches the heartbeat and the maintenance spool files, and a
// reload that changes it applies to the next write.
func TestDaemonFileMode(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	dir := t.TempDir()
	heartbeat, spoolDir := filepath.Join(dir, "heartbeat"), filepath.Join(dir, "maintenance")
	cfg := services(f.spec("a", "1"))
	cfg.HeartbeatPath, cfg.FileMode = heartbeat, 0o640
	td := startDaemon(t, cfg, func(o *Options) { o.MaintenanceDir, o.LoopInterval = spoolDir, 20*time.Millisecond })
	want(t, f, "a@1")
	for _, mode := range []fs.FileMode{0o640, 0o600} {
		if mode != cfg.FileMode {
			next := services(f.spec("a", "1"))
			next.HeartbeatPath, next.FileMode = heartbeat, mode
			td.load(next, nil)
		}
		testutil.Eventually(t, 5*time.Second, func() error {
			if _, err := td.d.SetMaintenance("a", true, "deploy", 0); err != nil {
				return err
			}
			for _, p := range []string{heartbeat, filepath.Join(spoolDir, "a")} {
				if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
					return fmtMode(p, fi, err, mode)
				}
			}
			return nil
		})
	}
}

func fmtMode(path string, fi fs.FileInfo, err error, want fs.FileMode) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
}
