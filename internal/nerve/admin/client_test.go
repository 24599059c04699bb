package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeController knows services "a" and "b" and records calls.
type fakeController struct {
	mu    *sync.Mutex
	calls *[]string
	err   error
}

func newFake() fakeController { return fakeController{mu: &sync.Mutex{}, calls: &[]string{}} }

func (f fakeController) Status() []ServiceStatus {
	return []ServiceStatus{{Service: "a", Reported: "up"}, {Service: "b", Reported: "down", Maintenance: true}}
}

func (f fakeController) SetMaintenance(service string, down bool, reason string, dur time.Duration) (time.Time, error) {
	if f.err != nil {
		return time.Time{}, f.err
	}
	if service != "a" && service != "b" && service != All {
		return time.Time{}, &UnknownServiceError{Service: service, Known: []string{"a", "b"}}
	}
	if f.mu != nil {
		f.mu.Lock()
		defer f.mu.Unlock()
		*f.calls = append(*f.calls, map[bool]string{true: "down", false: "up"}[down]+" "+service+" "+reason)
	}
	if dur > 0 {
		return time.Unix(1700000000, 0).Add(dur), nil
	}
	return time.Time{}, nil
}

func (f fakeController) SetWeight(service string, weight *int, ramp time.Duration) (time.Time, *int, error) {
	if service != "a" && service != "b" {
		return time.Time{}, nil, &UnknownServiceError{Service: service, Known: []string{"a", "b"}}
	}
	if f.mu != nil {
		f.mu.Lock()
		defer f.mu.Unlock()
		w := "config"
		if weight != nil {
			w = strconv.Itoa(*weight)
		}
		*f.calls = append(*f.calls, "weight "+service+" "+w+" "+ramp.String())
	}
	conf := 10
	return time.Unix(1700000000, 0).Add(ramp), &conf, nil
}

func (f fakeController) got() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(*f.calls, "; ")
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestClientRoundTrip(t *testing.T) {
	f := newFake()
	path := filepath.Join(t.TempDir(), "nerve.sock")
	start(t, path, -1, f)
	c, ctx := NewClient(path), context.Background()

	st, err := c.Status(ctx)
	if err != nil || len(st) != 2 || st[1].Service != "b" || !st[1].Maintenance {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	res, err := c.MaintenanceDown(ctx, "a", "  deploy 1234 ", 0)
	if err != nil || res != (MaintenanceResult{Service: "a", Maintenance: true, Reason: "deploy 1234"}) {
		t.Fatalf("MaintenanceDown = %+v, %v", res, err)
	}
	if _, err := c.MaintenanceDown(ctx, All, "", 0); err != nil {
		t.Fatal(err)
	}
	if res, err := c.MaintenanceUp(ctx, "a"); err != nil || res.Maintenance {
		t.Fatalf("MaintenanceUp = %+v, %v", res, err)
	}
	if got, want := f.got(), "down a deploy 1234; down all maintenance; up a "; got != want {
		t.Fatalf("calls %q, want %q", got, want)
	}
}

func TestClientErrors(t *testing.T) {
	f := newFake()
	path := filepath.Join(t.TempDir(), "nerve.sock")
	start(t, path, -1, f)
	c, ctx := NewClient(path), context.Background()

	// The mux cleans ".." out of the path: refused, though not by name.
	if _, err := c.MaintenanceDown(ctx, "..", "x", 0); err == nil {
		t.Fatal(`".." accepted`)
	}
	for _, svc := range []string{"nope", "a/b", "a b", "all/../a"} {
		_, err := c.MaintenanceDown(ctx, svc, "x", 0)
		var unknown *UnknownServiceError
		if !errors.As(err, &unknown) || unknown.Service != svc || strings.Join(unknown.Known, ",") != "a,b" {
			t.Fatalf("%q: %v, want an UnknownServiceError listing a,b", svc, err)
		}
		if !contains(err.Error(), `unknown service "`) || !contains(err.Error(), "known: a, b; or all") {
			t.Fatalf("message %q", err)
		}
	}
	for _, reason := range []string{"two\nlines", "esc\x1b[2J", strings.Repeat("r", MaxReason+1)} {
		if _, err := c.MaintenanceDown(ctx, "a", reason, 0); err == nil || !contains(err.Error(), "reason") {
			t.Fatalf("reason %q accepted: %v", reason, err)
		}
	}
	if got := f.got(); got != "" {
		t.Fatalf("refused requests reached the controller: %q", got)
	}

	path2 := filepath.Join(t.TempDir(), "nerve.sock")
	start(t, path2, -1, fakeController{err: Unavailable("maintenance is disabled")})
	if _, err := NewClient(path2).MaintenanceUp(ctx, "a"); !errors.Is(err, ErrUnavailable) || err.Error() != "maintenance is disabled" {
		t.Fatalf("unavailable: %v", err)
	}
	if _, err := NewClient(filepath.Join(t.TempDir(), "missing.sock")).Status(ctx); err == nil || !contains(err.Error(), "no such file") {
		t.Fatalf("missing socket: %v", err)
	}
}

// Anything but the protocol's routes and methods is refused.
func TestHandlerRefusesOtherRoutes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nerve.sock")
	start(t, path, -1, newFake())
	c := NewClient(path)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/maintenance/a"}, {"PUT", "/v1/maintenance/a"}, {"POST", "/v1/status"},
		{"POST", "/maintenance/a"}, {"GET", "/metrics"}, {"POST", "/v1/maintenance/"},
	} {
		req, _ := http.NewRequest(tc.method, "http://nerve"+tc.path, nil)
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			t.Errorf("%s %s: %d", tc.method, tc.path, resp.StatusCode)
		}
	}
}

// Every state change is logged with the uid and pid that asked for it.
func TestStateChangeLogsPeer(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) })
	path := filepath.Join(t.TempDir(), "nerve.sock")
	srv, err := Start(path, -1, newFake(), slog.New(slog.NewTextHandler(w, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewClient(path).MaintenanceDown(context.Background(), "a", "deploy", 0); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := fmt.Sprintf("peer_uid=%d peer_pid=%d service=a down=true reason=deploy", os.Getuid(), os.Getpid())
	if !strings.Contains(logs.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// start serves c on a socket and closes it on cleanup.
func start(t *testing.T, path string, gid int, c Controller) *Server {
	t.Helper()
	srv, err := Start(path, gid, c, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	return srv
}
