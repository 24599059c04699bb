package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/version"
)

// env is a fake environment for the injected lookup.
type env map[string]string

func (e env) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

// runCLI runs the CLI with args and env, returning the exit code and output.
func runCLI(t *testing.T, e env, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := mainEnv(args, &out, &errOut, e.lookup)
	return code, out.String(), errOut.String()
}

// parse returns the options args and e produce, without running anything.
func parse(t *testing.T, e env, args ...string) *options {
	t.Helper()
	var buf bytes.Buffer
	cmd, o := newRootCmd(&buf, &buf, e.lookup)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	return o
}

const serviceYAML = `services:
  web:
    host: 127.0.0.1
    port: 8080
    zk_hosts: [127.0.0.1:2181]
    zk_path: /nerve/web
    checks:
      - type: tcp
`

// writeFile writes body into the test's temp dir and returns its path.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// configs writes a valid config, one without instance_id, and a broken one.
func configs(t *testing.T) (good, noID, bad string) {
	dir := t.TempDir()
	good = writeFile(t, dir, "good.yaml", "instance_id: host-1\n"+serviceYAML)
	noID = writeFile(t, dir, "noid.yaml", serviceYAML)
	bad = writeFile(t, dir, "bad.yaml", "instance_id: host-1\nservices: [\n")
	return good, noID, bad
}

func wantRun(t *testing.T, e env, code int, want string, args ...string) {
	t.Helper()
	got, out, errOut := runCLI(t, e, args...)
	if got != code {
		t.Fatalf("nerve %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, got, code, out, errOut)
	}
	if !strings.Contains(out+errOut, want) {
		t.Fatalf("nerve %q: output lacks %q\nstdout:\n%s\nstderr:\n%s", args, want, out, errOut)
	}
}

const ok = "configuration check succeeded"

func TestConfigFlagAndEnv(t *testing.T) {
	good, _, bad := configs(t)
	wantRun(t, env{"NERVE_CONFIG": good}, cliutil.ExitOK, ok, "-k")
	wantRun(t, env{}, cliutil.ExitOK, ok, "-k", "-c", good)
	wantRun(t, env{}, cliutil.ExitOK, ok, "--check-config", "--config", good)
	// The flag wins over the environment.
	wantRun(t, env{"NERVE_CONFIG": good}, cliutil.ExitConfig, "nerve: config error: "+bad, "-k", "-c", bad)
	wantRun(t, env{}, cliutil.ExitConfig, "no config file: pass -c FILE or set NERVE_CONFIG", "-k")
	wantRun(t, env{}, cliutil.ExitConfig, "does not exist", "-k", "-c", filepath.Join(t.TempDir(), "missing.json"))
}

func TestInstanceID(t *testing.T) {
	_, noID, _ := configs(t)
	wantRun(t, env{}, cliutil.ExitConfig, "instance_id", "-k", "-c", noID)
	wantRun(t, env{}, cliutil.ExitOK, ok, "-k", "-c", noID, "-i", "flag-id")
	wantRun(t, env{"NERVE_INSTANCE_ID": "env-id"}, cliutil.ExitOK, ok, "-k", "-c", noID)
	if o := parse(t, env{"NERVE_INSTANCE_ID": "env-id"}, "--instance_id", "flag-id"); o.instanceID != "flag-id" {
		t.Errorf("instance id %q, want the flag's", o.instanceID)
	}
	if o := parse(t, env{"NERVE_INSTANCE_ID": "env-id"}); o.instanceID != "env-id" {
		t.Errorf("instance id %q, want the env's", o.instanceID)
	}
}

// NERVE_CHECK_CONFIG enables -k whatever its value, as any Ruby string is
// true. An invalid --log-level tells the modes apart without starting a
// daemon: only the daemon reads it.
func TestCheckConfigEnv(t *testing.T) {
	good, _, _ := configs(t)
	for _, v := range []string{"", "false", "0", "yes"} {
		wantRun(t, env{"NERVE_CHECK_CONFIG": v}, cliutil.ExitOK, ok, "-c", good, "--log-level", "bogus")
	}
	wantRun(t, env{}, cliutil.ExitConfig, "--log-level", "-c", good, "--log-level", "bogus")
}

func TestOverlayFlagAndEnv(t *testing.T) {
	_, noID, _ := configs(t)
	dir := t.TempDir()
	envOverlay := writeFile(t, dir, "env.yaml", "instance_id: from-env\n")
	broken := writeFile(t, dir, "broken.yaml", "instance_id: [\n")
	wantRun(t, env{"NERVE_CONFIG_OVERLAY": envOverlay}, cliutil.ExitOK, ok, "-k", "-c", noID)
	wantRun(t, env{}, cliutil.ExitOK, ok, "-k", "-c", noID, "-o", envOverlay)
	wantRun(t, env{}, cliutil.ExitOK, ok, "-k", "-c", noID, "--config-overlay", envOverlay)
	// The flag wins: the broken overlay is the one read.
	wantRun(t, env{"NERVE_CONFIG_OVERLAY": envOverlay}, cliutil.ExitConfig, broken, "-k", "-c", noID, "-o", broken)
}

func TestLogLevel(t *testing.T) {
	for _, tc := range []struct {
		env  env
		args []string
		want string
	}{
		{env{}, nil, "info"},
		{env{"DEBUG": ""}, nil, "debug"},
		{env{"DEBUG": "0"}, nil, "debug"},
		{env{"DEBUG": "1"}, []string{"--log-level", "warn"}, "warn"},
		{env{}, []string{"--log-level", "error"}, "error"},
	} {
		if o := parse(t, tc.env, tc.args...); o.logLevel != tc.want {
			t.Errorf("env %v args %q: level %q, want %q", tc.env, tc.args, o.logLevel, tc.want)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	wantRun(t, env{}, cliutil.ExitOK, "nerve -c nerve.conf.json", "--help")
	wantRun(t, env{}, cliutil.ExitOK, "--check-config", "-h")
	wantRun(t, env{}, cliutil.ExitOK, version.String("nerve"), "version")
	wantRun(t, env{}, cliutil.ExitOK, version.String("nerve"), "--version")
	wantRun(t, env{}, cliutil.ExitOK, "78  config error", "--help")
	wantRun(t, env{}, cliutil.ExitConfig, "unknown flag", "--no-such-flag")
}

// The admin socket defaults under systemd's RuntimeDirectory or /run/nerve;
// only a path from the flag or NERVE_ADMIN_SOCKET is explicit (a failure
// to create it stops the start).
func TestAdminSocketFlags(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env         env
		args        []string
		path, group string
		explicit    bool
	}{
		{"default", env{}, nil, "/run/nerve/nerve.sock", "", false},
		{"systemd", env{"RUNTIME_DIRECTORY": "/run/nerve-x"}, nil, "/run/nerve-x/nerve.sock", "", false},
		{"env", env{"NERVE_ADMIN_SOCKET": "/tmp/a.sock", "NERVE_ADMIN_GROUP": "nerve-admin"}, nil, "/tmp/a.sock", "nerve-admin", true},
		{"env empty disables", env{"NERVE_ADMIN_SOCKET": ""}, nil, "", "", true},
		{"flag wins", env{"NERVE_ADMIN_SOCKET": "/tmp/a.sock", "NERVE_ADMIN_GROUP": "x"},
			[]string{"--admin-socket", "/tmp/b.sock", "--admin-group", "adm"}, "/tmp/b.sock", "adm", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			cmd, o := newRootCmd(&buf, &buf, tc.env.lookup)
			if err := cmd.ParseFlags(tc.args); err != nil {
				t.Fatal(err)
			}
			explicit := o.adminExplicit || cmd.Flags().Changed("admin-socket")
			if o.adminSocket != tc.path || o.adminGroup != tc.group || explicit != tc.explicit {
				t.Fatalf("socket %q group %q explicit %v; want %q %q %v", o.adminSocket, o.adminGroup, explicit, tc.path, tc.group, tc.explicit)
			}
		})
	}
}
