package haproxy

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// The stats socket file removed: one clear log line, changes reach HAProxy
// by reload, and a socket that stays away makes no further reloads. HAProxy
// killed outright and started again (by systemd, here by the test) from the
// config synapse wrote meanwhile: synapse notices the socket is back from
// its ticks alone, and the reload it could not run converges.
func TestIntegrationStatsSocketGoneAndHAProxyRestarted(t *testing.T) {
	r := startRealSetup(t)
	var logs bytes.Buffer
	g, err := New(r.cfg, generator.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))},
		WithClock(r.clock.now), WithRand(func() float64 { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	r.g = g
	a, b, c := live("", "127.0.0.1", 4700), live("", "127.0.0.1", 4701), live("", "127.0.0.1", 4702)
	r.updateReloading(t, r.service(t, "", a))
	if err := os.Remove(r.h.StatsSocket); err != nil {
		t.Fatal(err)
	}
	r.clock.advance(time.Minute)
	reloads := r.reloads(t) // the master CLI still answers
	mustUpdate(t, r.g, r.service(t, "", a, b))
	testutil.Eventually(t, integrationTimeout, func() error {
		p, err := r.h.Procs() // refused while the master re-executes
		if err == nil && p.Reloads == reloads {
			err = fmt.Errorf("no reload for the new server (pending %q)", r.g.PendingReload())
		}
		return err
	})
	if n := strings.Count(logs.String(), "stats socket file is gone"); n != 1 {
		t.Fatalf("%d 'stats socket file is gone' lines, want 1:\n%s", n, logs.String())
	}
	if _, err := os.Stat(r.h.StatsSocket); err == nil {
		t.Log("this HAProxy recreated the stats socket on a reload")
	}
	reloads = r.reloads(t)
	for range 3 {
		r.clock.advance(time.Minute)
		mustTick(t, r.g)
	}
	if got := r.reloads(t); got != reloads || r.g.PendingReload() != nil {
		t.Fatalf("%d more reloads, pending %q, while the socket is gone and nothing changed", got-reloads, r.g.PendingReload())
	}

	// HAProxy dies; a change meanwhile reaches only the file.
	if err := r.h.Stop(); err != nil {
		t.Fatal(err)
	}
	r.clock.advance(time.Minute)
	mustUpdate(t, r.g, r.service(t, "", a, b, c))
	if r.g.PendingReload() == nil {
		t.Fatal("no reload pending for a change HAProxy could not take")
	}
	text, err := os.ReadFile(r.h.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	h, err := testutil.StartHAProxyProcess(r.h.Dir, string(text))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	r.cfg.ReloadCommand = fmt.Sprintf("kill -USR2 %d", h.MasterPID()) // what systemctl reload finds
	testutil.Eventually(t, integrationTimeout, func() error {
		r.clock.advance(time.Minute)
		mustTick(t, r.g)
		if p := r.g.PendingReload(); p != nil {
			return fmt.Errorf("reload pending: %q", p)
		}
		if !strings.Contains(logs.String(), "haproxy socket answers again") {
			return fmt.Errorf("socket recovery not noticed")
		}
		return nil
	})
	got := r.servers(t)
	for _, name := range []string{ServerName(a), ServerName(b), ServerName(c)} {
		if s, ok := got[name]; !ok || s.AdminState.Maint() {
			t.Errorf("server %s: running %v, admin %#x; want it running and enabled", name, ok, s.AdminState)
		}
	}
}
