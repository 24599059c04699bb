package haproxy

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// agentInter is the agent-check interval of the agent tests: short, so
// the agent gets many chances to undo a drain within the test.
const agentInter = 20 * time.Millisecond

// A removed dynamic server whose agent answers "ready" stays in
// maintenance while it drains (the agent is disabled first: its "ready"
// would cancel the maintenance and route new traffic to it), then is
// deleted once its connection ends, health check and all.
func TestIntegrationDynamicDrainAgent(t *testing.T) {
	// "up" keeps the servers' operational state up, "ready" cancels any
	// maintenance (and drain).
	agent := startIdentityTCP(t, "up ready")
	port, accepted := holdingBackend(t)
	other := startIdentityTCP(t, "other")
	r := startRealSetup(t)
	section := func() string {
		// Health checks go to the agent's port too, so that the held
		// backend sees the client's connection only.
		return fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nbackend: [mode tcp]\n"+
			"server_options: check port %[2]d inter %[3]dms agent-check agent-port %[2]d agent-inter %[3]dms",
			r.port, agent.port, agentInter.Milliseconds())
	}
	held := live("", "127.0.0.1", port)
	r.updateReloading(t, svc(r.g, t, "svc", section(), held))
	before := r.mark(t)
	client, serverSide := r.holdConnection(t, accepted)
	name := held.Host + ":" + held.Port.String()

	// "other" is added at run time with its agent enabled, then "held"
	// leaves while its connection stays open.
	mustUpdate(t, r.g, svc(r.g, t, "svc", section(), held, other.backend()))
	mustUpdate(t, r.g, svc(r.g, t, "svc", section(), other.backend()))
	checks := agent.hits.Load()
	// Every agent check is a connection to the agent: other's go on, so
	// held's agent, had it stayed on, had as many chances to answer.
	testutil.Eventually(t, integrationTimeout, func() error {
		if n := agent.hits.Load() - checks; n < 10 {
			return fmt.Errorf("%d agent checks since the removal", n)
		}
		return nil
	})
	if s, ok := r.servers(t)[name]; !ok || !s.AdminState.Maint() {
		t.Fatalf("draining server %s: %+v (present %v), want it in maintenance", name, s, ok)
	}
	answeredBy(t, 4, "other", r.tcpGet)
	client.Close()
	serverSide.Close()
	r.awaitDeleted(t, name)
	r.checkNoReload(t, before)
}

// A synapse restarted mid-drain keeps no list of draining servers: it
// finds the one the old process left in maintenance among the servers
// HAProxy runs but the config lost, and deletes it once its connection
// ends. The restarted generator does not reload, so that HAProxy's own
// reload (which would drop the server too) cannot stand in for it.
func TestIntegrationRestartMidDrain(t *testing.T) {
	port, accepted := holdingBackend(t)
	other := startIdentityTCP(t, "other")
	r := startRealSetup(t)
	held := live("", "127.0.0.1", port)
	name := held.Host + ":" + held.Port.String()
	r.updateReloading(t, r.service(t, "", held))
	client, serverSide := r.holdConnection(t, accepted)
	mustUpdate(t, r.g, r.service(t, "", other.backend()))
	if s, ok := r.servers(t)[name]; !ok || !s.AdminState.Maint() {
		t.Fatalf("draining server: %+v (present %v), want it in maintenance", s, ok)
	}

	r.cfg.DoReloads = false
	r.g = newTestGenerator(t, r.cfg, r.clock)
	before := r.mark(t)
	mustUpdate(t, r.g, r.service(t, "", other.backend()))
	if s, ok := r.servers(t)[name]; !ok || !s.AdminState.Maint() {
		t.Fatalf("after the restart: %+v (present %v), want it draining in maintenance", s, ok)
	}
	answeredBy(t, 3, "other", r.tcpGet)
	client.Close()
	serverSide.Close()
	r.awaitDeleted(t, name)
	if now := r.mark(t); now != before {
		t.Errorf("haproxy reloaded: %+v, was %+v", now, before)
	}
}

// A restarted synapse recycles the slot the old one put in maintenance:
// the next new backend fills it at run time and its cookie routes there.
func TestIntegrationRestartRecyclesSlot(t *testing.T) {
	h1, h2, h3 := startIdentityHTTP(t, "h1"), startIdentityHTTP(t, "h2"), startIdentityHTTP(t, "h3")
	r := startRealSetup(t)
	r.cfg.ServerSlots = 2 // no never-used slot is left to take first
	r.updateReloading(t, r.httpService(t, h1.backend(), h2.backend()))
	freed := r.slotOf(t, h1).Name
	mustUpdate(t, r.g, r.httpService(t, h2.backend()))
	if s := r.servers(t)[freed]; !s.AdminState.Maint() {
		t.Fatalf("freed slot %s admin state %#x, want maintenance", freed, s.AdminState)
	}

	r.cfg.DoReloads = false
	r.g = newTestGenerator(t, r.cfg, r.clock)
	before := r.mark(t)
	mustUpdate(t, r.g, r.httpService(t, h2.backend(), h3.backend()))
	awaitAnswer(t, "h3", r.plainGet)
	if got := r.slotOf(t, h3).Name; got != freed {
		t.Errorf("h3 fills %s, want the freed %s", got, freed)
	}
	answeredBy(t, 3, "h3", r.cookieGet(r.cookieOf(t, h3.addr())))
	if now := r.mark(t); now != before {
		t.Errorf("haproxy reloaded: %+v, was %+v", now, before)
	}
}

// awaitDeleted runs Tick until HAProxy no longer runs server.
func (r *realSetup) awaitDeleted(t *testing.T, server string) {
	t.Helper()
	testutil.Eventually(t, integrationTimeout, func() error {
		if err := r.g.Tick(context.Background()); err != nil {
			return err
		}
		if _, ok := r.servers(t)[server]; ok {
			return fmt.Errorf("server %s still runs", server)
		}
		return nil
	})
}
