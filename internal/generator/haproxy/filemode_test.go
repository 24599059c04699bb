package haproxy

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// haproxy.cfg and the state file keep their mode across writes (0644 when
// new) unless file_mode is set, which then wins, candidate elsewhere and
// check_command included.
func TestFileMode(t *testing.T) {
	tests := []struct {
		name      string
		fileMode  fs.FileMode
		existing  fs.FileMode // 0: no files before the update
		elsewhere bool        // candidate in another directory
		check     bool
		want      fs.FileMode
	}{
		{name: "new files default", want: 0o644},
		{name: "existing mode kept", existing: 0o600, want: 0o600},
		{name: "existing mode kept, candidate elsewhere", existing: 0o640, elsewhere: true, want: 0o640},
		{name: "file_mode on new files", fileMode: 0o640, want: 0o640},
		{name: "file_mode overrides existing", fileMode: 0o600, existing: 0o666, want: 0o600},
		{name: "file_mode, candidate elsewhere", fileMode: 0o640, existing: 0o644, elsewhere: true, want: 0o640},
		{name: "file_mode, checked", fileMode: 0o640, check: true, want: 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := baseConfig()
			cfg.DoWrites = true
			cfg.ConfigFilePath = filepath.Join(dir, "haproxy.cfg")
			cfg.StateFilePath = filepath.Join(dir, "state.json")
			if tt.elsewhere {
				cfg.CandidateConfigFilePath = filepath.Join(t.TempDir(), "candidate.cfg")
			}
			if tt.check {
				cfg.DoChecks, cfg.CheckCommand = true, "true"
				cfg.CandidateConfigFilePath = cfg.ConfigFilePath + ".candidate"
			}
			if tt.existing != 0 {
				testutil.WriteFileMode(t, cfg.ConfigFilePath, "old\n", tt.existing)
				testutil.WriteFileMode(t, cfg.StateFilePath, "{}", tt.existing)
			}
			g := newModeGenerator(t, cfg, tt.fileMode)
			mustUpdate(t, g, svc(g, t, "svc", "port: 3000", live("", "a", 1)))
			for _, p := range []string{cfg.ConfigFilePath, cfg.StateFilePath} {
				if got := testutil.FileMode(t, p); got != tt.want {
					t.Errorf("%s: mode %v, want %v", filepath.Base(p), got, tt.want)
				}
			}
		})
	}
}

// A tightened file_mode applies at start-up to files whose content will
// not change.
func TestFileModeAtStart(t *testing.T) {
	dir := t.TempDir()
	cfg := baseConfig()
	cfg.DoWrites = true
	cfg.ConfigFilePath = filepath.Join(dir, "haproxy.cfg")
	cfg.StateFilePath = filepath.Join(dir, "state.json")
	cfg.ServerStateFile = filepath.Join(dir, "server-state")
	for _, p := range []string{cfg.ConfigFilePath, cfg.StateFilePath, cfg.ServerStateFile} {
		testutil.WriteFileMode(t, p, "{}", 0o644)
	}
	newModeGenerator(t, cfg, 0o600)
	for _, p := range []string{cfg.ConfigFilePath, cfg.StateFilePath, cfg.ServerStateFile} {
		if got := testutil.FileMode(t, p); got != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), got)
		}
	}
}

func newModeGenerator(t *testing.T, cfg *Config, mode fs.FileMode) *Generator {
	t.Helper()
	g, err := New(cfg, generator.Options{FileMode: mode}, WithClock(newFakeClock().now))
	if err != nil {
		t.Fatal(err)
	}
	return g
}
