package haproxy

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// httpService is an HTTP backend with cookie persistence: it cannot take
// dynamic servers on 2.6, so with server_slots it gets a slot pool.
func (r *realSetup) httpService(t *testing.T, backends ...registration.Backend) generator.Service {
	t.Helper()
	section := fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nfrontend: [mode http]\n"+
		"backend: [mode http, cookie SERVERID insert indirect nocache]", r.port)
	return svc(r.g, t, "svc", section, backends...)
}

// checkSlots fails unless HAProxy runs the slots of want (slot name to
// "addr:port") ready and every other slot of the pool in maintenance.
func (r *realSetup) checkSlots(t *testing.T, want map[string]string, size int) {
	t.Helper()
	got := r.servers(t)
	if len(got) != size {
		t.Errorf("pool of %d slots, want %d", len(got), size)
	}
	for name, s := range got {
		w, ok := want[name]
		have := fmt.Sprintf("%s:%d", s.Addr, s.Port)
		switch {
		case ok && (have != w || s.AdminState.Maint()):
			t.Errorf("slot %s: %s admin %#x, want %s ready", name, have, s.AdminState, w)
		case !ok && !s.AdminState.Maint():
			t.Errorf("free slot %s (%s) is not in maintenance", name, have)
		}
	}
}

// Five new backends fill slots without a reload, removals go to
// maintenance, exhaustion reloads once and grows the pool, and a forced
// reload keeps the same servers.
func TestIntegrationSlots(t *testing.T) {
	t.Run("plain", func(t *testing.T) { testSlotsChurn(t, false) })
	t.Run("server_state_file", func(t *testing.T) { testSlotsChurn(t, true) })
}

func testSlotsChurn(t *testing.T, stateFile bool) {
	r := startRealSetup(t)
	r.cfg.ServerSlots = 6
	if stateFile {
		r.cfg.ServerStateFile = r.h.Dir + "/servers.state"
	}
	backends := []registration.Backend{live("", "127.0.0.1", 4000)}
	r.updateReloading(t, r.httpService(t, backends...))
	reloads := r.reloads(t)
	want := map[string]string{"slot1": "127.0.0.1:4000"}
	for i := 1; i <= 5; i++ {
		r.clock.advance(time.Second)
		backends = append(backends, live("", "127.0.0.1", 4000+i))
		mustUpdate(t, r.g, r.httpService(t, backends...))
		want[stanza.SlotName(i)] = fmt.Sprintf("127.0.0.1:%d", 4000+i)
	}
	r.checkSlots(t, want, 6)
	backends = backends[2:] // slot1 and slot2 leave
	mustUpdate(t, r.g, r.httpService(t, backends...))
	delete(want, "slot1")
	delete(want, "slot2")
	r.checkSlots(t, want, 6)
	if got := r.reloads(t); got != reloads || r.g.PendingReload() != nil {
		t.Fatalf("%d reloads, pending %q; want none", got-reloads, r.g.PendingReload())
	}
	r.clock.advance(time.Minute)
	for i := 6; i <= 8; i++ {
		backends = append(backends, live("", "127.0.0.1", 4000+i))
	}
	r.updateReloading(t, r.httpService(t, backends...))
	if got := r.reloads(t); got != reloads+1 {
		t.Errorf("%d reloads for the exhausted pool, want 1", got-reloads)
	}
	// Free slots go first: slot1 and slot2, then slot7 of the grown pool.
	want["slot1"], want["slot2"], want["slot7"] = "127.0.0.1:4006", "127.0.0.1:4007", "127.0.0.1:4008"
	r.checkSlots(t, want, 7+6)
	before, _ := r.h.Procs()
	r.h.Reload()
	if _, err := r.h.AwaitReload(before); err != nil {
		t.Fatal(err)
	}
	r.checkSlots(t, want, 7+6)
}

// A static-rr tcp backend fills slots without a reload too.
func TestIntegrationSlotsStaticRR(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.ServerSlots = 4
	backends := []registration.Backend{live("", "127.0.0.1", 4100)}
	r.updateReloading(t, r.service(t, ", balance static-rr", backends...))
	reloads := r.reloads(t)
	want := map[string]string{"slot1": "127.0.0.1:4100"}
	for i := 1; i <= 3; i++ {
		backends = append(backends, live("", "127.0.0.1", 4100+i))
		mustUpdate(t, r.g, r.service(t, ", balance static-rr", backends...))
		want[stanza.SlotName(i)] = fmt.Sprintf("127.0.0.1:%d", 4100+i)
	}
	r.checkSlots(t, want, 4)
	if got := r.reloads(t); got != reloads || r.g.PendingReload() != nil {
		t.Errorf("%d reloads, pending %q; want none", got-reloads, r.g.PendingReload())
	}
}

// A restarted synapse reads the slots from haproxy.cfg: the servers keep
// their slots, and a new one fills a free slot.
func TestIntegrationSlotsRestart(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.ServerSlots = 3
	a, b, c := live("", "127.0.0.1", 4200), live("", "127.0.0.1", 4201), live("", "127.0.0.1", 4202)
	r.updateReloading(t, r.httpService(t, a, b))
	r.g = newTestGenerator(t, r.cfg, r.clock)
	r.clock.advance(time.Minute)
	r.updateReloading(t, r.httpService(t, c, b))
	r.checkSlots(t, map[string]string{"slot2": "127.0.0.1:4201", "slot3": "127.0.0.1:4202"}, 3)
}

// A slot freed at run time stays in maintenance though its agent answers
// "ready" (its agent is disabled with it), as does a free slot the agent
// readied after a reload, once a tick has seen it, and the slot refilled gets its
// agent back: taken to maintenance by hand, the agent's "ready" ends it.
func TestIntegrationSlotsAgent(t *testing.T) {
	agent := startIdentityTCP(t, "up ready")
	r := startRealSetup(t)
	r.cfg.ServerSlots = 3
	extra := fmt.Sprintf(", balance static-rr]\nserver_options: agent-check agent-port %d agent-inter %dms\nx: [",
		agent.port, agentInter.Milliseconds())
	a, b := live("", "127.0.0.1", 4300), live("", "127.0.0.1", 4301)
	r.updateReloading(t, r.service(t, extra, a, b))
	// After a reload the agent readies the free slot the config writes
	// "disabled" (docs/haproxy.md); the next tick takes it back and turns
	// its agent off. The plan against the new process once the reload is
	// confirmed may have done so already.
	testutil.Eventually(t, integrationTimeout, func() error {
		if s := r.servers(t)["slot3"]; s.AdminState.Maint() && s.AgentEnabled() {
			return errors.New("the agent has not readied slot3 yet")
		}
		return nil
	})
	before := r.mark(t)
	if err := r.g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := r.servers(t)["slot3"]; !s.AdminState.Maint() || s.AgentEnabled() {
		t.Fatalf("after a tick slot3 admin %#x, agent on %v; want maintenance, agent off", s.AdminState, s.AgentEnabled())
	}
	awaitAgentChecks(t, agent, 10)
	if s := r.servers(t)["slot3"]; !s.AdminState.Maint() {
		t.Fatalf("slot3 left maintenance after the sweep (admin %#x)", s.AdminState)
	}
	mustUpdate(t, r.g, r.service(t, extra, a))
	awaitAgentChecks(t, agent, 10) // slot1's agent goes on: slot2's had as many chances
	r.checkSlots(t, map[string]string{"slot1": "127.0.0.1:4300"}, 3)

	// b comes back to the slot it left, whose agent was disabled.
	mustUpdate(t, r.g, r.service(t, extra, a, b))
	r.checkSlots(t, map[string]string{"slot1": "127.0.0.1:4300", "slot2": "127.0.0.1:4301"}, 3)
	if _, err := r.api.Exec(context.Background(), "set server svc/slot2 state maint"); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, integrationTimeout, func() error {
		if s := r.servers(t)["slot2"]; s.AdminState.Maint() {
			return fmt.Errorf("slot2 admin %#x: its agent did not end the maintenance", s.AdminState)
		}
		return nil
	})
	r.checkNoReload(t, before)
}

// awaitAgentChecks waits until the agent has answered n more checks.
func awaitAgentChecks(t *testing.T, agent *identity, n int64) {
	t.Helper()
	from := agent.hits.Load()
	testutil.Eventually(t, integrationTimeout, func() error {
		if got := agent.hits.Load() - from; got < n {
			return fmt.Errorf("%d agent checks, want %d", got, n)
		}
		return nil
	})
}

// With a server-state-file a slot freed at run time keeps its agent off
// and its maintenance through a reload: HAProxy restores both from the
// file synapse saves first, so no agent "ready" revives it.
func TestIntegrationSlotsAgentStateFile(t *testing.T) {
	agent := startIdentityTCP(t, "up ready")
	r := startRealSetup(t)
	r.cfg.ServerSlots, r.cfg.ServerStateFile = 3, r.h.Dir+"/servers.state"
	extra := func(balance string) string {
		return fmt.Sprintf(", balance %s]\nserver_options: agent-check agent-port %d agent-inter %dms\nx: [",
			balance, agent.port, agentInter.Milliseconds())
	}
	a, b := live("", "127.0.0.1", 4400), live("", "127.0.0.1", 4401)
	r.updateReloading(t, r.service(t, extra("static-rr"), a, b))
	mustUpdate(t, r.g, r.service(t, extra("static-rr"), a))
	r.clock.advance(time.Minute)
	r.updateReloading(t, r.service(t, extra("static-rr, timeout server 5s"), a))
	if s := r.servers(t)["slot2"]; !s.AdminState.Maint() || s.AgentEnabled() {
		t.Fatalf("after the reload slot2 admin %#x, agent on %v; want maintenance, agent off", s.AdminState, s.AgentEnabled())
	}
	awaitAgentChecks(t, agent, 10)
	if s := r.servers(t)["slot2"]; !s.AdminState.Maint() {
		t.Fatalf("slot2 left maintenance after the reload (admin %#x)", s.AdminState)
	}
}
