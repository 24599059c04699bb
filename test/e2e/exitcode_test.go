package e2e

import (
	"bytes"
	"debug/buildinfo"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// runBinary runs bin to completion and returns its exit code, stdout and
// stderr.
func runBinary(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s %q did not exit within 20s\nstdout:\n%s\nstderr:\n%s", bin, args, out.String(), errOut.String())
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// busyPort holds a loopback port so a daemon cannot bind it.
func busyPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// 78 for a bad config, from -k (problems on stderr, nothing on stdout)
// and from a start; 78 for a bad flag too.
func TestExitCodeConfig(t *testing.T) {
	dir := t.TempDir()
	nerveBad := filepath.Join(dir, "nerve.json")
	writeConfig(t, nerveBad, map[string]any{"instance_id": "x", "services": map[string]any{"web": map[string]any{"port": "nope"}}})
	synapseBad := filepath.Join(dir, "synapse.json")
	writeConfig(t, synapseBad, map[string]any{"services": map[string]any{}, "nginx": map[string]any{}})
	for _, d := range []struct {
		name, bin, cfg, want string
		extra                []string
	}{
		{"nerve", buildNerve(t), nerveBad, "services.web", []string{"--admin-socket", ""}},
		{"synapse", buildSynapse(t), synapseBad, "nginx", nil},
	} {
		t.Run(d.name, func(t *testing.T) {
			code, out, errOut := runBinary(t, d.bin, "-k", "-c", d.cfg)
			if code != 78 || out != "" || !strings.Contains(errOut, d.name+": config error:") || !strings.Contains(errOut, d.want) {
				t.Errorf("-k: exit %d, stdout %q, stderr %q; want 78, nothing, the problem", code, out, errOut)
			}
			code, _, errOut = runBinary(t, d.bin, append([]string{"-c", d.cfg}, d.extra...)...)
			if code != 78 || !strings.Contains(errOut, d.want) {
				t.Errorf("start: exit %d, stderr %q; want 78 naming the problem", code, errOut)
			}
			if code, _, _ = runBinary(t, d.bin, "--no-such-flag"); code != 78 {
				t.Errorf("bad flag: exit %d, want 78", code)
			}
		})
	}
}

// 69 when a listener cannot be bound, before any ZooKeeper connection:
// nerve registers nothing, synapse writes no haproxy.cfg.
func TestExitCodeStartup(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	svc := newHealthService(t)
	dir := t.TempDir()
	port := busyPort(t)

	nerveCfg := filepath.Join(dir, "nerve.json")
	writeConfig(t, nerveCfg, nerveWebConfig(svc, z, root, map[string]any{"prometheus": map[string]any{"enabled": true, "port": port}}))
	t.Run("nerve metrics port in use", func(t *testing.T) {
		code, _, errOut := runBinary(t, buildNerve(t), "-c", nerveCfg, "--admin-socket", filepath.Join(t.TempDir(), "n.sock"))
		if code != 69 || !strings.Contains(errOut, fmt.Sprint(port)) {
			t.Fatalf("exit %d, want 69 naming the port; stderr:\n%s", code, errOut)
		}
		if strings.Contains(errOut, "zookeeper") {
			t.Errorf("a ZooKeeper connection was opened before the listener:\n%s", errOut)
		}
		if got, err := children(zc, root+"/web"); err != nil || len(got) != 0 {
			t.Errorf("registered %q (%v) though the start failed", got, err)
		}
	})
	t.Run("nerve admin socket path", func(t *testing.T) {
		free := filepath.Join(dir, "nerve-free.json")
		writeConfig(t, free, nerveWebConfig(svc, z, root, nil))
		// A regular file where the socket's directory should be.
		notDir := filepath.Join(dir, "not-a-dir")
		if err := os.WriteFile(notDir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		sock := filepath.Join(notDir, "nerve.sock")
		code, _, errOut := runBinary(t, buildNerve(t), "-c", free, "--admin-socket", sock)
		if code != 69 || !strings.Contains(errOut, sock) {
			t.Fatalf("exit %d, want 69 naming %s; stderr:\n%s", code, sock, errOut)
		}
	})

	t.Run("synapse metrics port in use", func(t *testing.T) {
		hcfg := filepath.Join(dir, "haproxy.cfg")
		synapseCfg := filepath.Join(dir, "synapse.json")
		writeConfig(t, synapseCfg, map[string]any{
			"services": map[string]any{"web": map[string]any{
				"discovery": map[string]any{"method": "zookeeper", "hosts": z.Addrs(), "path": root + "/web"},
				"haproxy":   map[string]any{"port": testutil.FreePort(t), "listen": []string{"mode tcp"}},
			}},
			"haproxy": map[string]any{"config_file_path": hcfg, "do_socket": false, "do_reloads": false,
				"global": []string{}, "defaults": []string{}},
			"prometheus": map[string]any{"enabled": true, "port": port},
		})
		code, _, errOut := runBinary(t, buildSynapse(t), "-c", synapseCfg)
		if code != 69 || !strings.Contains(errOut, fmt.Sprint(port)) {
			t.Fatalf("exit %d, want 69 naming the port; stderr:\n%s", code, errOut)
		}
		if strings.Contains(errOut, "zookeeper") {
			t.Errorf("a ZooKeeper connection was opened before the listener:\n%s", errOut)
		}
		if _, err := os.Stat(hcfg); !os.IsNotExist(err) {
			t.Errorf("haproxy.cfg written though the start failed (%v)", err)
		}
	})
}

// 1 is a failure while running or of a command: here `nerve maint status`
// with no daemon behind the socket.
func TestExitCodeCommandFailure(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "absent.sock")
	code, _, errOut := runBinary(t, buildNerve(t), "maint", "status", "--admin-socket", sock)
	if code != 1 || errOut == "" {
		t.Fatalf("exit %d, stderr %q; want 1 and the reason", code, errOut)
	}
}

// --version and version print the same line; a build without -ldflags
// takes its version from the build information: the VCS revision (and
// +dirty) when the build saw a checkout. (Go does not stamp builds in a
// git worktree, whose .git is a file; the line then has no revision.)
func TestVersionFlag(t *testing.T) {
	for _, d := range []struct{ name, bin string }{{"nerve", buildNerve(t)}, {"synapse", buildSynapse(t)}} {
		t.Run(d.name, func(t *testing.T) {
			c1, flag, _ := runBinary(t, d.bin, "--version")
			c2, sub, _ := runBinary(t, d.bin, "version")
			info, err := buildinfo.ReadFile(d.bin)
			if err != nil {
				t.Fatal(err)
			}
			// A build in a git checkout stamps the module with a pseudo-version;
			// elsewhere Go leaves "(devel)" and the binary says "dev".
			ver := info.Main.Version
			if ver == "" || ver == "(devel)" {
				ver = "dev"
			}
			if c1 != 0 || c2 != 0 || flag != sub || !strings.HasPrefix(flag, d.name+" "+ver+" (") {
				t.Fatalf("--version (exit %d) %q, version (exit %d) %q, want %s %s", c1, flag, c2, sub, d.name, ver)
			}
			want := ""
			for _, s := range info.Settings {
				switch {
				case s.Key == "vcs.revision":
					want = "(rev " + s.Value[:12] + want
				case s.Key == "vcs.modified" && s.Value == "true":
					want += "+dirty"
				}
			}
			if want == "" {
				t.Logf("no VCS information in the build (a git worktree?): %q", flag)
				want = "(" + info.GoVersion + ")"
			} else {
				want += ", " + info.GoVersion + ")"
			}
			if !strings.HasSuffix(strings.TrimSpace(flag), want) {
				t.Errorf("%q does not end in %q", flag, want)
			}
		})
	}
}
