package dist

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// stubPath makes a directory of stub commands that append their name and
// arguments to a log and exit with the given status (0 when absent), so
// maintainer scripts can run here without touching this machine's users,
// units or files.
func stubPath(t *testing.T, exits map[string]int, names ...string) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "calls.log")
	for _, n := range names {
		script := "#!/bin/sh\necho \"" + n + " $*\" >> " + log + "\nexit " + strconv.Itoa(exits[n]) + "\n"
		if err := os.WriteFile(filepath.Join(dir, n), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, log
}

// runScript runs one packaged maintainer script with args, every command
// it may call replaced by a stub.
func runScript(t *testing.T, p pkg, script string, exits map[string]int, args ...string) []string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "-e", p.deb, dir).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -e: %v\n%s", err, out)
	}
	stubs, log := stubPath(t, exits, "getent", "adduser", "systemctl", "rm", "rmdir")
	cmd := exec.Command("/bin/sh", append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Env = []string{"PATH=" + stubs}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", script, args, err, out)
	}
	data, _ := os.ReadFile(log)
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// postinst creates each system user only when it is missing; postrm purge
// removes the state and runtime directories and nothing else.
func TestMaintainerScripts(t *testing.T) {
	p := build(t)
	t.Run("postinst new users", func(t *testing.T) {
		calls := strings.Join(runScript(t, p, "postinst", map[string]int{"getent": 2}, "configure"), "\n")
		for _, want := range []string{"adduser --system --group --quiet --home /nonexistent --no-create-home", "adduser --system --group --quiet --home /var/lib/synapse --no-create-home"} {
			if !strings.Contains(calls, want) {
				t.Errorf("no %q in\n%s", want, calls)
			}
		}
	})
	t.Run("postinst users exist", func(t *testing.T) {
		calls := strings.Join(runScript(t, p, "postinst", nil, "configure"), "\n")
		if strings.Contains(calls, "adduser") {
			t.Errorf("users exist, yet:\n%s", calls)
		}
	})
	t.Run("postrm purge", func(t *testing.T) {
		calls := runScript(t, p, "postrm", nil, "purge")
		want := "rm -rf /var/lib/synapse /run/nerve /run/synapse"
		if len(calls) == 0 || calls[0] != want {
			t.Errorf("postrm purge calls %q, want first %q", calls, want)
		}
	})
	t.Run("postrm remove", func(t *testing.T) {
		for _, c := range runScript(t, p, "postrm", nil, "remove") {
			if strings.HasPrefix(c, "rm") {
				t.Errorf("remove (not purge) deletes: %q", c)
			}
		}
	})
}
