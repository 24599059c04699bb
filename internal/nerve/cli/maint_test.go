package cli

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// fakeNerve is the daemon side of the socket: services a and b.
type fakeNerve struct {
	mu    sync.Mutex
	calls []string
}

func intp(v int) *int { return &v }

func (f *fakeNerve) Status() []admin.ServiceStatus {
	up, down := true, false
	return []admin.ServiceStatus{
		{Service: "a", Running: true, Reported: "up", ChecksUp: &up, Path: "/nerve/a/h_0001",
			Weight: admin.WeightStatus{Configured: intp(10), Registered: intp(13), Live: true, Target: intp(100),
				Step: 7, Steps: 13, RampEnds: "2026-12-07T04:01:00Z"},
			Checks: []admin.CheckStatus{{Name: "http-localhost:80/health", Type: "http", Up: true, LastOK: true,
				DurationS: 0.012, LastRunUTC: "2026-12-07T04:00:00Z"}}},
		{Service: "b", Running: true, Reported: "down", ChecksUp: &down, Maintenance: true, MaintenanceReason: "deploy",
			MaintenanceSource: "all", MaintenanceExpires: "2026-12-07T04:30:00Z"},
	}
}

func (f *fakeNerve) SetMaintenance(service string, down bool, reason string, dur time.Duration) (time.Time, error) {
	if service != "a" && service != "b" && service != admin.All {
		return time.Time{}, &admin.UnknownServiceError{Service: service, Known: []string{"a", "b"}}
	}
	f.record(strings.TrimSpace(map[bool]string{true: "down", false: "up"}[down] + " " + service + " " + reason))
	if dur > 0 {
		return time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC).Add(dur), nil
	}
	return time.Time{}, nil
}

func (f *fakeNerve) SetWeight(service string, weight *int, ramp time.Duration) (time.Time, *int, error) {
	if service != "a" && service != "b" {
		return time.Time{}, nil, &admin.UnknownServiceError{Service: service, Known: []string{"a", "b"}}
	}
	w := "config"
	if weight != nil {
		w = strconv.Itoa(*weight)
	}
	f.record("weight " + service + " " + w + " " + ramp.String())
	return time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC).Add(ramp), intp(10), nil
}

func (f *fakeNerve) record(c string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

func startFake(t *testing.T) (*fakeNerve, string) {
	t.Helper()
	f := &fakeNerve{}
	sock := filepath.Join(t.TempDir(), "nerve.sock")
	srv, err := admin.Start(sock, -1, f, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	return f, sock
}

func TestMaintCommands(t *testing.T) {
	f, sock := startFake(t)
	flag := []string{"--admin-socket", sock}
	byEnv := env{"NERVE_ADMIN_SOCKET": sock}

	wantRun(t, env{}, cliutil.ExitOK, "a: in maintenance (deploy 1234)", append([]string{"maint", "down", "a", "--reason", "deploy 1234"}, flag...)...)
	wantRun(t, byEnv, cliutil.ExitOK, "all: in maintenance (maintenance)", "maint", "down", "all")
	wantRun(t, byEnv, cliutil.ExitOK, "b: in maintenance (maintenance), until 2026-12-07T04:30:00Z", "maint", "down", "b", "--for", "30m")
	wantRun(t, byEnv, cliutil.ExitError, "--for -1m0s: want a positive duration", "maint", "down", "b", "--for", "-1m")
	wantRun(t, byEnv, cliutil.ExitOK, "a: maintenance ended", "maint", "up", "a")
	wantRun(t, byEnv, cliutil.ExitError, `unknown service "wbe" (known: a, b; or all)`, "maint", "down", "wbe")
	wantRun(t, byEnv, cliutil.ExitError, "accepts 1 arg", "maint", "up")
	wantRun(t, byEnv, cliutil.ExitError, `--output "yaml": want text or json`, "maint", "up", "a", "-o", "yaml")
	_, out, _ := runCLI(t, byEnv, "maint", "status")
	for _, line := range []string{"SERVICE  REPORTED  MAINTENANCE  CHECKS  EXPIRES               REASON",
		"a        up        no           up      -                     -",
		"b        down      yes (all)    down    2026-12-07T04:30:00Z  deploy"} {
		if !strings.Contains(out, line) {
			t.Errorf("status lacks %q:\n%s", line, out)
		}
	}
	var js struct{ Services []maintEntry }
	_, out, _ = runCLI(t, byEnv, "maint", "status", "-o", "json")
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js.Services) != 2 ||
		js.Services[1] != (maintEntry{Service: "b", Reported: "down", Maintenance: true, Reason: "deploy", Source: "all", Expires: "2026-12-07T04:30:00Z"}) {
		t.Errorf("maint status -o json = %+v, %v:\n%s", js, err, out)
	}
	var res admin.MaintenanceResult
	_, out, _ = runCLI(t, byEnv, "maint", "down", "a", "--for", "1h", "-o", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Expires != "2026-12-07T05:00:00Z" || !res.Maintenance {
		t.Errorf("maint down -o json = %+v, %v", res, err)
	}
	f.mu.Lock()
	if got := strings.Join(f.calls, "; "); got != "down a deploy 1234; down all maintenance; down b maintenance; up a; down a maintenance" {
		t.Errorf("daemon saw %q", got)
	}
	f.mu.Unlock()

	missing := filepath.Join(t.TempDir(), "none.sock")
	wantRun(t, env{}, cliutil.ExitError, "is nerve running with --admin-socket "+missing, "maint", "status", "--admin-socket", missing)
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("the client created a socket file")
	}
}

func TestWeightCommand(t *testing.T) {
	f, sock := startFake(t)
	e := env{"NERVE_ADMIN_SOCKET": sock}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"set", []string{"a", "50"}, cliutil.ExitOK, "a: weight 50 (configured 10)"},
		{"zero", []string{"a", "0"}, cliutil.ExitOK, "a: weight 0 (configured 10)"},
		{"ramp", []string{"b", "100", "--ramp", "60s"}, cliutil.ExitOK, "b: weight ramping from 1 to 100 over 1m0s, until 2026-12-07T04:01:00Z (configured 10)"},
		{"config", []string{"a", "config"}, cliutil.ExitOK, "a: live weight dropped; configured weight 10 applies"},
		{"config with ramp", []string{"a", "config", "--ramp", "1s"}, cliutil.ExitError, "--ramp: not with \"config\""},
		{"too big", []string{"a", "257"}, cliutil.ExitError, `weight "257": want an integer from 0 to 256, or config`},
		{"negative", []string{"a", "-1"}, cliutil.ExitConfig, "unknown shorthand flag"},
		{"not a number", []string{"a", "heavy"}, cliutil.ExitError, `weight "heavy"`},
		{"ramp to zero", []string{"a", "0", "--ramp", "10s"}, cliutil.ExitError, "weight 0 is set at once"},
		{"unknown", []string{"c", "5"}, cliutil.ExitError, `unknown service "c" (known: a, b; or all)`},
		{"all refused", []string{"all", "5"}, cliutil.ExitError, `unknown service "all"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRun(t, e, tc.code, tc.want, append([]string{"weight"}, tc.args...)...)
		})
	}
	f.mu.Lock()
	if got := strings.Join(f.calls, "; "); got != "weight a 50 0s; weight a 0 0s; weight b 100 1m0s; weight a config 0s" {
		t.Errorf("daemon saw %q", got)
	}
	f.mu.Unlock()
	var res admin.WeightResult
	_, out, _ := runCLI(t, e, "weight", "a", "7", "-o", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Weight == nil || *res.Weight != 7 || *res.Configured != 10 {
		t.Errorf("weight -o json = %+v, %v:\n%s", res, err, out)
	}
}

func TestStatusCommand(t *testing.T) {
	_, sock := startFake(t)
	e := env{"NERVE_ADMIN_SOCKET": sock}
	_, out, _ := runCLI(t, e, "status")
	for _, line := range []string{
		"SERVICE  REPORTED  CHECKS  MAINTENANCE   EXPIRES               WEIGHT",
		"a        up        up      -             -                     13 -> 100 (ramp 7/13 until 2026-12-07T04:01:00Z; live; config 10)  /nerve/a/h_0001",
		"b        down      down    deploy (all)  2026-12-07T04:30:00Z  - (config none)",
		"a        http-localhost:80/health  http  up     ok    12ms  2026-12-07T04:00:00Z  -",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("status lacks %q:\n%s", line, out)
		}
	}
	var js admin.StatusResult
	_, out, _ = runCLI(t, e, "status", "-o", "json")
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js.Services) != 2 || *js.Services[0].Weight.Target != 100 ||
		js.Services[1].MaintenanceExpires != "2026-12-07T04:30:00Z" || js.Services[0].Checks[0].Name != "http-localhost:80/health" {
		t.Errorf("status -o json = %+v, %v", js, err)
	}
}
