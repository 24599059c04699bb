package haproxy

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// slotSection is an HTTP service with cookies: a slot pool on 2.6.
func (r *realSetup) slotSection() string {
	return fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nfrontend: [mode http]\n"+
		"backend: [mode http, cookie SERVERID insert indirect nocache]", r.port)
}

// moveSlot1 points slot1 elsewhere behind synapse's back, as a state file
// saved before a refill's reload would, or an operator.
func (r *realSetup) moveSlot1(t *testing.T) {
	t.Helper()
	if _, err := r.api.Exec(context.Background(), "set server svc/slot1 addr 127.0.0.9 port 4999"); err != nil {
		t.Fatal(err)
	}
	if got := r.servers(t)["slot1"]; got.Port != 4999 {
		t.Fatalf("slot1 at %s:%d after set server addr", got.Addr, got.Port)
	}
}

// A reload with server_state_file restores a slot's address from the
// state saved before it, over the config's: synapse saves the state with
// the address of the config being loaded, so the slot is right at once.
func TestIntegrationSlotsStateFileSavesConfigAddress(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.ServerSlots, r.cfg.ServerStateFile = 3, r.h.Dir+"/servers.state"
	a := live("", "127.0.0.1", 4500)
	r.updateReloading(t, svc(r.g, t, "svc", r.slotSection(), a))
	want := map[string]string{"slot1": "127.0.0.1:4500"}
	r.checkSlots(t, want, 3)
	r.moveSlot1(t)
	// A tick's reload comes before its read: nothing corrects the slot
	// at run time before the state is saved.
	r.clock.advance(time.Minute)
	r.g.reloads.add(reasonConfigChanged, "test")
	before, err := r.h.Procs()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.h.AwaitReload(before); err != nil {
		t.Fatal(err)
	}
	r.checkSlots(t, want, 3)
}

// A live slot HAProxy runs at another address than its config line is
// moved back by the next fresh read of the socket, a tick's, without a
// reload.
func TestIntegrationSlotsAddressChecked(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.ServerSlots = 3
	a := live("", "127.0.0.1", 4550)
	r.updateReloading(t, svc(r.g, t, "svc", r.slotSection(), a))
	want := map[string]string{"slot1": "127.0.0.1:4550"}
	r.moveSlot1(t)
	before := r.mark(t)
	r.clock.advance(statResync)
	if err := r.g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.checkSlots(t, want, 3)
	r.checkNoReload(t, before)
}

// A pool grown for a burst shrinks back, with one reload, once the burst
// is gone; the server that stayed keeps its slot.
func TestIntegrationSlotsShrinkAfterBurst(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.ServerSlots = 2
	a := live("", "127.0.0.1", 4800)
	r.updateReloading(t, r.httpService(t, a))
	r.checkSlots(t, map[string]string{"slot1": "127.0.0.1:4800"}, 2)
	burst := []registration.Backend{a}
	for i := 1; i < 10; i++ {
		burst = append(burst, live("", "127.0.0.1", 4800+i))
	}
	r.clock.advance(time.Minute)
	r.updateReloading(t, r.httpService(t, burst...))
	if got := len(r.servers(t)); got != 12 {
		t.Fatalf("pool of %d slots after the burst, want 12", got)
	}
	r.clock.advance(time.Minute)
	r.updateReloading(t, r.httpService(t, a))
	r.checkSlots(t, map[string]string{"slot1": "127.0.0.1:4800"}, 2)
	// The shrunk pool still takes a new server at run time.
	r.clock.advance(time.Minute)
	before := r.mark(t)
	mustUpdate(t, r.g, r.httpService(t, a, live("", "127.0.0.1", 4801)))
	r.checkNoReload(t, before)
}
