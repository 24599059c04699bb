package dist

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unit is a systemd unit file as key -> values (a key may repeat).
type unit map[string][]string

func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u, section := unit{}, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: not key=value: %q", path, line)
			}
			u[section+"."+k] = append(u[section+"."+k], v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestUnitKeys holds the settings other parts rely on: the exit code that
// must not restart (the config error), notify readiness with a watchdog,
// the runtime directory the admin sockets default to, and the sandbox.
func TestUnitKeys(t *testing.T) {
	for _, daemon := range []string{"nerve", "synapse"} {
		t.Run(daemon, func(t *testing.T) {
			u := parseUnit(t, filepath.Join("../../packaging/systemd", daemon+".service"))
			want := map[string]string{
				"Service.Type":                     "notify",
				"Service.ExecStart":                "/usr/bin/" + daemon + " -c /etc/" + daemon + "/" + daemon + ".conf.json",
				"Service.ExecReload":               "/bin/kill -HUP $MAINPID",
				"Service.Restart":                  "on-failure",
				"Service.RestartPreventExitStatus": "78",
				"Service.WatchdogSec":              "30s",
				"Service.User":                     daemon,
				"Service.Group":                    daemon,
				"Service.RuntimeDirectory":         daemon,
				"Service.RuntimeDirectoryMode":     "0750",
				"Service.NoNewPrivileges":          "yes",
				"Service.ProtectSystem":            "strict",
				"Service.ProtectHome":              "yes",
				"Service.PrivateTmp":               "yes",
				"Service.ProtectKernelTunables":    "yes",
				"Service.ProtectControlGroups":     "yes",
				"Service.LockPersonality":          "yes",
				"Service.RestrictAddressFamilies":  "AF_UNIX AF_INET AF_INET6",
				"Install.WantedBy":                 "multi-user.target",
			}
			for k, v := range want {
				if got := u[k]; len(got) != 1 || got[0] != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
	syn := parseUnit(t, "../../packaging/systemd/synapse.service")
	if rw := strings.Join(syn["Service.ReadWritePaths"], " "); !strings.Contains(rw, "/etc/haproxy") || !strings.Contains(rw, "/run/haproxy") {
		t.Errorf("synapse ReadWritePaths = %q, want /etc/haproxy and /run/haproxy", rw)
	}
	if sd := syn["Service.StateDirectory"]; len(sd) != 1 || sd[0] != "synapse" {
		t.Errorf("synapse StateDirectory = %q (state file, server-state file, file_output under /var/lib/synapse)", sd)
	}
}

// TestUnitsVerify runs systemd-analyze verify on the packaged units, with
// ExecStart pointed at the extracted binaries (verify wants them to exist).
func TestUnitsVerify(t *testing.T) {
	p := build(t)
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Fatal("systemd-analyze not found: apt-get install systemd")
	}
	dir := t.TempDir()
	var units []string
	for _, daemon := range []string{"nerve", "synapse"} {
		body, err := os.ReadFile(filepath.Join(p.root, "lib/systemd/system", daemon+".service"))
		if err != nil {
			t.Fatal(err)
		}
		body = []byte(strings.ReplaceAll(string(body), "/usr/bin/", filepath.Join(p.root, "usr/bin")+"/"))
		path := filepath.Join(dir, daemon+".service")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, path)
	}
	out, err := exec.Command("systemd-analyze", append([]string{"verify", "--man=no"}, units...)...).CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
