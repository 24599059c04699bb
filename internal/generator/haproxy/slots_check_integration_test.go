package haproxy

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// A reload with server_state_file restores a slot's address from the
// state saved before it, whatever the config says: the first read after
// the reload finds the slot elsewhere than its config line and moves it
// back, without another reload.
func TestIntegrationSlotsAddressRestoredByStateFile(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.ServerSlots, r.cfg.ServerStateFile = 3, r.h.Dir+"/servers.state"
	section := func() string {
		return fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nfrontend: [mode http]\n"+
			"backend: [mode http, cookie SERVERID insert indirect nocache]", r.port)
	}
	a := live("", "127.0.0.1", 4500)
	r.updateReloading(t, svc(r.g, t, "svc", section(), a))
	want := map[string]string{"slot1": "127.0.0.1:4500"}
	r.checkSlots(t, want, 3)
	// What a state file saved before a refill's reload holds: the slot at
	// an address the config no longer has.
	if _, err := r.api.Exec(context.Background(), "set server svc/slot1 addr 127.0.0.9 port 4999"); err != nil {
		t.Fatal(err)
	}
	// A tick's reload comes before its read: nothing corrects the slot
	// before the state is saved.
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
	if got := r.servers(t)["slot1"]; got.Port != 4999 {
		t.Fatalf("after the reload slot1 is at %s:%d; HAProxy did not restore it from the state file", got.Addr, got.Port)
	}
	testutil.Eventually(t, integrationTimeout, func() error {
		r.clock.advance(time.Minute) // past the reload's rate limit
		if err := r.g.Tick(context.Background()); err != nil {
			return err
		}
		got := r.servers(t)["slot1"]
		if have := fmt.Sprintf("%s:%d", got.Addr, got.Port); have != want["slot1"] {
			return fmt.Errorf("slot1 at %s, want %s", have, want["slot1"])
		}
		return nil
	})
	r.checkSlots(t, want, 3)
	if got := r.reloads(t); got != before.Reloads+1 {
		t.Errorf("%d reloads, want only the forced one", got-before.Reloads)
	}
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
