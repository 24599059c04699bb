package haproxy

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// While HAProxy rejects a reload (its port is taken), the reload's
// confirmation does not hold the socket path: Update returns within the
// short wait, a deregistration reaches HAProxy at once, the reload is
// counted as failed with its cause once reloadCheck has passed, and the
// retry after the backoff loads the config.
func TestIntegrationRejectedReloadKeepsSocketPath(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.DynamicServers = DynamicOff // a deregistration is "disable server"
	r.cfg.DoChecks = false            // not what is timed here
	r.g.reloadCheck = 3 * time.Second
	a, b := live("a", "127.0.0.1", 1001), live("b", "127.0.0.1", 1002)
	r.updateReloading(t, r.service(t, "", a, b))
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	section := fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nbackend: [mode tcp]", taken.Addr().(*net.TCPAddr).Port)

	r.clock.advance(time.Minute)
	start := time.Now()
	mustUpdate(t, r.g, svc(r.g, t, "svc", section, a, b))
	took := time.Since(start)
	if took >= r.g.reloadCheck {
		t.Fatalf("the update with a rejected reload took %s, the whole confirmation", took)
	}
	start = time.Now()
	mustUpdate(t, r.g, svc(r.g, t, "svc", section, a))
	if !r.servers(t)["b_127.0.0.1:1002"].AdminState.Maint() {
		t.Fatal("the deregistered b is not in maintenance after its update")
	}
	dereg := time.Since(start)
	if dereg > time.Second {
		t.Errorf("the deregistration reached HAProxy after %s, want within a second", dereg)
	}
	t.Logf("update with the rejected reload %s, deregistration in HAProxy %s", took, dereg)
	if r.g.reloads.failures != 0 {
		t.Fatalf("the reload was judged before HAProxy could answer: %+v", r.g.reloads.last)
	}

	testutil.Eventually(t, integrationTimeout, func() error {
		if err := r.g.Tick(t.Context()); err != nil {
			return err
		}
		if r.g.reloads.failures == 0 {
			return fmt.Errorf("the rejected reload not counted yet")
		}
		return nil
	})
	if last := r.g.reloads.last; last.OK || !strings.Contains(last.Error, "not_loaded: ") {
		t.Fatalf("last reload %+v, want a failure with cause not_loaded", last)
	}
	if n := counterValue(t, r.g.m.reloadFailures.WithLabelValues("not_loaded")); n != 1 {
		t.Errorf("reload failures{cause=not_loaded} = %v, want 1", n)
	}
	if r.g.PendingReload() == nil {
		t.Fatal("the failed reload is no longer pending")
	}

	reloadOnceFreed(t, r, taken, time.Hour)
	if s, ok := r.servers(t)["b_127.0.0.1:1002"]; ok && !s.AdminState.Maint() {
		t.Errorf("after the reload b serves again: %+v", s)
	}
}
