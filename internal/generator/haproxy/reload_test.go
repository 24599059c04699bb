package haproxy

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/smartstack-go/smartstack/internal/generator"
)

func reloadGenerator(t *testing.T, clock *fakeClock, command string, edit func(*Config)) *Generator {
	t.Helper()
	cfg := baseConfig()
	cfg.DoReloads, cfg.ReloadCommand = true, command
	cfg.RestartInterval = 2 * 1e9
	if edit != nil {
		edit(cfg)
	}
	return newTestGenerator(t, cfg, clock)
}

// The first reload is immediate, then at most one per
// restart_interval; Tick runs the pending one when the window opens.
func TestReloadRateLimit(t *testing.T) {
	clock := newFakeClock()
	cmd, count := reloadCounter(t)
	g := reloadGenerator(t, clock, cmd, nil) // no socket: every update reloads
	s := svc(g, t, "svc", "{}", live("", "a", 1))
	mustUpdate(t, g, s)
	mustUpdate(t, g, s)
	if count() != 1 {
		t.Fatalf("%d reloads, want 1 (the second is rate limited)", count())
	}
	clock.advance(time.Second)
	g.Tick(context.Background())
	if count() != 1 {
		t.Fatalf("%d reloads after 1s, want 1", count())
	}
	clock.advance(time.Second)
	g.Tick(context.Background())
	if count() != 2 || g.PendingReload() != nil {
		t.Fatalf("%d reloads after 2s (pending %q), want 2 and none pending", count(), g.PendingReload())
	}
	clock.advance(time.Hour)
	g.Tick(context.Background())
	if count() != 2 {
		t.Fatalf("a tick without a pending reload reloaded")
	}
}

// restart_jitter stretches the window by up to jitter*interval.
func TestReloadJitter(t *testing.T) {
	clock := newFakeClock()
	cmd, count := reloadCounter(t)
	g := reloadGenerator(t, clock, cmd, func(c *Config) { c.RestartJitter = 1 })
	g.rand = func() float64 { return 0.5 }
	s := svc(g, t, "svc", "{}", live("", "a", 1))
	mustUpdate(t, g, s)
	mustUpdate(t, g, s)
	clock.advance(2 * time.Second)
	g.Tick(context.Background())
	if count() != 1 {
		t.Fatalf("reloaded inside the jittered window (2s + 1s)")
	}
	clock.advance(time.Second)
	g.Tick(context.Background())
	if count() != 2 {
		t.Fatalf("%d reloads, want 2 after 3s", count())
	}
}

// A failing reload_command is counted, stays pending and is retried after
// twice the window; do_reloads false never runs it.
func TestReloadFailureRetried(t *testing.T) {
	clock := newFakeClock()
	reg := prometheus.NewRegistry()
	marker := filepath.Join(t.TempDir(), "ok")
	cfg := baseConfig()
	cfg.DoReloads, cfg.ReloadCommand = true, "test -e "+marker+" || { echo 'no master' >&2; exit 3; }"
	g, err := New(cfg, generator.Options{Registerer: reg}, WithClock(clock.now), WithRand(func() float64 { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, g, svc(g, t, "svc", "{}"))
	if g.PendingReload() == nil {
		t.Fatal("failed reload cleared the pending flag")
	}
	if n := counterValue(t, g.m.reloads.WithLabelValues("initial", "failure")); n != 1 {
		t.Errorf("failure count = %v, want 1", n)
	}
	cmdCreate(t, marker)
	clock.advance(2 * time.Second)
	g.Tick(context.Background())
	if n := counterValue(t, g.m.reloads.WithLabelValues("initial", "success")); n != 0 {
		t.Errorf("retried after %v; a failure doubles the wait", 2*time.Second)
	}
	clock.advance(2 * time.Second)
	g.Tick(context.Background())
	if g.PendingReload() != nil {
		t.Errorf("pending after a successful retry: %q", g.PendingReload())
	}
	if n := counterValue(t, g.m.reloads.WithLabelValues("initial", "success")); n != 1 {
		t.Errorf("success count = %v, want 1", n)
	}
	// A second generator on the same registry must not panic or fail.
	if _, err := New(cfg, generator.Options{Registerer: reg}); err != nil {
		t.Fatal(err)
	}
}

func TestNoReloads(t *testing.T) {
	cmd, count := reloadCounter(t)
	g := reloadGenerator(t, newFakeClock(), cmd, func(c *Config) { c.DoReloads = false })
	mustUpdate(t, g, svc(g, t, "svc", "{}"))
	g.Tick(context.Background())
	if count() != 0 {
		t.Errorf("reload_command ran with do_reloads false")
	}
}

// A reload_command that hangs is cut off, not waited for forever.
func TestReloadTimeout(t *testing.T) {
	out, err := runShell(context.Background(), "echo started; sleep 30", 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "deadline") || out != "started" {
		t.Errorf("out %q, err %v; want a deadline error with the output", out, err)
	}
}

func cmdCreate(t *testing.T, path string) {
	t.Helper()
	if _, err := runShell(context.Background(), "touch "+path, time.Second); err != nil {
		t.Fatal(err)
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
