package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// fakeNerve is the daemon side of the socket: services a and b.
type fakeNerve struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeNerve) Status() []admin.ServiceStatus {
	up := true
	return []admin.ServiceStatus{{Service: "a", Reported: "up", ChecksUp: &up, Path: "/nerve/a/h_0001"},
		{Service: "b", Reported: "down", Maintenance: true}}
}

func (f *fakeNerve) SetMaintenance(service string, down bool, reason string) error {
	if service != "a" && service != "b" && service != admin.All {
		return &admin.UnknownServiceError{Service: service, Known: []string{"a", "b"}}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, strings.TrimSpace(map[bool]string{true: "down", false: "up"}[down]+" "+service+" "+reason))
	return nil
}

func TestMaintCommands(t *testing.T) {
	f := &fakeNerve{}
	sock := filepath.Join(t.TempDir(), "nerve.sock")
	srv, err := admin.Start(sock, -1, f, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	flag := []string{"--admin-socket", sock}
	byEnv := env{"NERVE_ADMIN_SOCKET": sock}

	wantRun(t, env{}, ExitOK, "a: in maintenance (deploy 1234)", append([]string{"maint", "down", "a", "--reason", "deploy 1234"}, flag...)...)
	wantRun(t, byEnv, ExitOK, "all: in maintenance (maintenance)", "maint", "down", "all")
	wantRun(t, byEnv, ExitOK, "a: maintenance ended", "maint", "up", "a")
	wantRun(t, byEnv, ExitError, `unknown service "wbe" (known: a, b; or all)`, "maint", "down", "wbe")
	wantRun(t, byEnv, ExitError, "accepts 1 arg", "maint", "up")
	_, out, _ := runCLI(t, byEnv, "maint", "status")
	for _, line := range []string{"SERVICE  REPORTED  MAINTENANCE  CHECKS  ZNODE", "a        up        no           up      /nerve/a/h_0001",
		"b        down      yes          -       -"} {
		if !strings.Contains(out, line) {
			t.Errorf("status lacks %q:\n%s", line, out)
		}
	}
	f.mu.Lock()
	if got := strings.Join(f.calls, "; "); got != "down a deploy 1234; down all maintenance; up a" {
		t.Errorf("daemon saw %q", got)
	}
	f.mu.Unlock()

	missing := filepath.Join(t.TempDir(), "none.sock")
	wantRun(t, env{}, ExitError, "is nerve running with --admin-socket "+missing, "maint", "status", "--admin-socket", missing)
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("the client created a socket file")
	}
}
