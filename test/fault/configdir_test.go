package fault

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// haproxy.cfg's directory read-only, and "full": synapse keeps running,
// says so in its log, and once the directory takes writes again writes
// the config that matches ZooKeeper, without another change to prompt
// it; HAProxy ends matching the healthy registrations. No request fails.
//
// "Full" is RLIMIT_FSIZE on the synapse process (writes past a few bytes
// fail with EFBIG, as a full filesystem fails them with ENOSPC): mounting
// a small tmpfs needs root, and filling a real filesystem would disturb
// everything else on the machine.
func TestConfigDirUnwritable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		block func(t *testing.T, s *stack) (undo func())
	}{
		{"read-only", readOnlyConfigDir},
		{"full", fullConfigDir},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newStack(t, opts{backends: 2})
			undo := c.block(t, s)
			s.backends[1].set(sick)
			testutil.Eventually(t, 10*time.Second, func() error {
				if log, _ := os.ReadFile(s.synapse.LogPath); !strings.Contains(string(log), "haproxy config not installed") {
					return fmt.Errorf("synapse has not reported the failed write")
				}
				return nil
			})
			s.alive(t)
			writes := s.metric(t, "synapse_haproxy_config_writes_total")
			undo()
			back := time.Now()
			testutil.Eventually(t, 10*time.Second, func() error {
				if n := s.metric(t, "synapse_haproxy_config_writes_total"); n <= writes {
					return fmt.Errorf("config not written again since the directory takes writes (%v writes)", n)
				}
				return nil
			})
			t.Logf("config written %s after the directory took writes again", time.Since(back).Round(time.Millisecond))
			s.b1ComesBack(t)
			s.noFailedRequest(t)
		})
	}
}

// readOnlyConfigDir makes haproxy.cfg's directory refuse new files: mode
// 0555 for a user, the immutable attribute for root, whom modes do not
// stop.
func readOnlyConfigDir(t *testing.T, s *stack) func() {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(s.confDir, 0o555); err != nil {
			t.Fatal(err)
		}
		return func() {
			if err := os.Chmod(s.confDir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	chattr := func(flag string) {
		if out, err := exec.Command("chattr", flag, s.confDir).CombinedOutput(); err != nil {
			t.Fatalf("chattr %s %s (root ignores file modes, so the immutable attribute makes the directory read-only): %v\n%s",
				flag, s.confDir, err, out)
		}
	}
	chattr("+i")
	done := false
	undo := func() {
		if !done {
			done = true
			chattr("-i")
		}
	}
	t.Cleanup(undo) // or t.TempDir cannot remove it
	return undo
}

// fullConfigDir makes every file write of synapse past 64 bytes fail.
func fullConfigDir(t *testing.T, s *stack) func() {
	t.Helper()
	var old unix.Rlimit
	if err := unix.Prlimit(s.synapse.PID(), unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: 64, Max: unix.RLIM_INFINITY}, &old); err != nil {
		t.Fatalf("prlimit RLIMIT_FSIZE on synapse: %v", err)
	}
	return func() {
		if err := unix.Prlimit(s.synapse.PID(), unix.RLIMIT_FSIZE, &old, nil); err != nil {
			t.Fatalf("prlimit RLIMIT_FSIZE on synapse: %v", err)
		}
	}
}
