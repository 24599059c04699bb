package plan

import (
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// A slot whose line changes by address, weight or the disabled flag alone
// is refilled with "set server" (setup, then "state ready" by the
// caller); a slot whose line changes otherwise stays in maintenance for
// the reload; a freed slot is disabled, its agent first.
func TestSocketSlots(t *testing.T) {
	old := backend(
		"server slot1 10.0.0.1:80 id 1 cookie slot1 weight 1",
		"server slot2 10.0.0.2:80 id 2 cookie slot2 disabled",
		"server slot3 10.0.0.3:80 id 3 cookie slot3",
		"server slot4 10.0.0.4:80 id 4 cookie slot4 agent-check",
	)
	cur := backend(
		"server slot1 10.0.0.1:80 id 1 cookie slot1 weight 1",
		"server slot2 10.0.0.9:81 id 2 cookie slot2 weight 3",
		"server slot3 10.0.0.3:80 id 3 cookie slot3 backup",
		"server slot4 10.0.0.4:80 id 4 cookie slot4 agent-check disabled",
	)
	rows := []hapi.StatRow{row("svc", "", "UP"), row("svc", "slot1", "UP"), row("svc", "slot2", "MAINT"),
		row("svc", "slot3", "UP"), row("svc", "slot4", "UP")}
	w := Wants{"svc": {Service: "svc", Name: "svc", Mech: Reload, Live: []string{"a", "b", "c"}}}
	(&Chooser{}).Choose(w, map[string]*stanza.Backend{"svc": cur}, nil, map[string]*stanza.Backend{"svc": old}, nil)
	d := w["svc"]
	if d.Mech != Slots || !slices.Equal(d.Live, []string{"slot1", "slot2"}) {
		t.Fatalf("mechanism %s, live %q; want slots, slot1 and slot2 (slot3 waits for the reload)", d.Mech, d.Live)
	}
	p := Socket(rows, Running(rows), w)
	wantCmds := []string{"disable server svc/slot3", "disable agent svc/slot4", "disable server svc/slot4"}
	if !slices.Equal(p.Commands, wantCmds) {
		t.Errorf("commands %q, want %q", p.Commands, wantCmds)
	}
	want := []Refill{{Ref{"svc", "slot2"}, []string{"set server svc/slot2 addr 10.0.0.9 port 81", "set server svc/slot2 weight 3"},
		"server slot2 10.0.0.9:81 id 2 cookie slot2 weight 3"}}
	if len(p.Refills) != 1 || p.Refills[0].Ref != want[0].Ref || !slices.Equal(p.Refills[0].Setup, want[0].Setup) || p.Refills[0].Spec != want[0].Spec {
		t.Errorf("refills %+v, want %+v", p.Refills, want)
	}
	if len(p.Reasons) != 0 {
		t.Errorf("reasons %v; slot changes are the config diff's", p.Reasons)
	}
}

// A slot set to a host name cannot be refilled at run time ("set server
// addr" takes an IP address).
func TestSlotHostNameNotRefilled(t *testing.T) {
	old := backend("server slot1 10.0.0.1:80 id 1 disabled")
	cur := backend("server slot1 db.example:80 id 1")
	w := Wants{"svc": {Service: "svc", Name: "svc", Live: []string{"db.example:80"}}}
	(&Chooser{}).Choose(w, map[string]*stanza.Backend{"svc": cur}, nil, map[string]*stanza.Backend{"svc": old}, nil)
	if len(w["svc"].Refill) != 0 || len(w["svc"].Live) != 0 {
		t.Errorf("refill %v, live %q; want the slot left to the reload", w["svc"].Refill, w["svc"].Live)
	}
}

func TestSweep(t *testing.T) {
	states := []hapi.ServerState{
		{Name: "slot1", AdminState: hapi.AdminForcedMaint},
		{Name: "slot2"},
	}
	got := Sweep("svc", []string{"slot1", "slot2", "slot3"}, states)
	want := []string{"disable server svc/slot2"}
	if !slices.Equal(got, want) {
		t.Errorf("Sweep = %q, want %q", got, want)
	}
	free := FreeAgentSlots(map[string]*stanza.Backend{"svc": backend(
		"server slot1 1.1.1.1:1 id 1 agent-check disabled", "server slot2 1.1.1.1:2 id 2 agent-check",
		"server slot3 1.1.1.1:3 id 3 disabled")})
	if !slices.Equal(free["svc"], []string{"slot1"}) {
		t.Errorf("FreeAgentSlots = %v, want slot1", free)
	}
}
