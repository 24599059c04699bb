package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Dynamic backends: a server HAProxy does not run is added (and needs no
// reload), a weight-only change is a "set server weight", any other
// change of a running server's line is left to the config diff, and a
// server the config lost is removed.
func TestSocketDynamic(t *testing.T) {
	old := backend("balance roundrobin",
		"server a:1 10.0.0.1:1 id 1 weight 1", "server b:1 10.0.0.2:1 id 2 weight 1", "server c:1 10.0.0.3:1 id 3 agent-check",
		"server d:1 10.0.0.4:1 id 4")
	cur := backend("balance roundrobin",
		"server a:1 10.0.0.1:1 id 1 weight 5", "server b:1 10.0.0.2:1 id 2 weight 1 backup", "server n:1 10.0.0.9:1 id 9 check")
	rows := []hapi.StatRow{row("svc", "", "UP"), row("svc", "a:1", "UP"), row("svc", "b:1", "UP"),
		row("svc", "c:1", "UP"), row("svc", "d:1", "UP")}
	w := Wants{"svc": {Service: "svc", Name: "svc", Live: []string{"a:1", "b:1", "n:1"}, Mech: Dynamic, Stanza: cur, Old: old}}
	p := Socket(rows, Running(rows), w)

	wantRuntime := []string{
		"set server svc/a:1 weight 5",
		hapi.AddServerCommand("svc", "n:1", "10.0.0.9:1", "id", "9", "check"),
		"enable health svc/n:1", "enable server svc/n:1",
	}
	if !slices.Equal(p.Runtime, wantRuntime) {
		t.Errorf("runtime %q, want %q", p.Runtime, wantRuntime)
	}
	wantChanges := []Change{
		{Ref{"svc", "a:1"}, "server a:1 10.0.0.1:1 id 1 weight 5"},
		{Ref{"svc", "n:1"}, "server n:1 10.0.0.9:1 id 9 check"},
	}
	if !slices.Equal(p.Changes, wantChanges) {
		t.Errorf("changes %v, want %v", p.Changes, wantChanges)
	}
	if want := []Ref{{"svc", "c:1"}, {"svc", "d:1"}}; !slices.Equal(p.Removals, want) {
		t.Errorf("removals %v, want %v", p.Removals, want)
	}
	if p.Agentless[Ref{"svc", "c:1"}] || !p.Agentless[Ref{"svc", "d:1"}] {
		t.Errorf("agentless %v, want d:1 only (c:1 had agent-check)", p.Agentless)
	}
	if len(p.Commands) != 0 || len(p.Reasons) != 0 {
		t.Errorf("commands %q, reasons %v; want none: removals drain, additions need no reload", p.Commands, p.Reasons)
	}
	if len(p.Added) != 1 || p.Added[0].Server != "n:1" || p.Added[0].Status != StatUp {
		t.Errorf("added rows %v, want n:1 up", p.Added)
	}
	// b:1's new "backup" is the config diff's to find: not applied.
	applied := Applied{}
	applied.Record(p.Changes...)
	if applied.Has(Ref{"svc", "b:1"}) {
		t.Error("b:1's option change was recorded as applied")
	}
}

// An HAProxy that cannot add servers gets the reload path, whose plan
// asks for a reload for the new server.
func TestForVersion(t *testing.T) {
	cur := backend("server n:1 10.0.0.9:1 id 9")
	rows := []hapi.StatRow{row("svc", "", "UP")}
	w := Wants{"svc": {Service: "svc", Name: "svc", Live: []string{"n:1"}, Mech: Dynamic, Stanza: cur}}
	tests := []struct {
		v       hapi.Version
		mech    Mechanism
		reasons []Kind
	}{
		{hapi.Version{}, Reload, []Kind{NewServer}},
		{hapi.Version{Major: 2, Minor: 2}, Reload, []Kind{NewServer}},
		{hapi.Version{Major: 2, Minor: 4}, Dynamic, nil},
		{hapi.Version{Major: 2, Minor: 6}, Dynamic, nil},
	}
	for _, tt := range tests {
		t.Run(tt.v.String(), func(t *testing.T) {
			got := ForVersion(w, tt.v)
			if got["svc"].Mech != tt.mech {
				t.Errorf("mechanism %s, want %s", got["svc"].Mech, tt.mech)
			}
			if w["svc"].Mech != Dynamic {
				t.Fatal("ForVersion changed its input")
			}
			if k := kindsOf(Socket(rows, Running(rows), got).Reasons); !slices.Equal(k, tt.reasons) {
				t.Errorf("reasons %v, want %v", k, tt.reasons)
			}
		})
	}
}

func TestRefusal(t *testing.T) {
	tests := []struct {
		name     string
		defaults []string
		b        []string
		want     string // a substring; "" for none
	}{
		{"dynamic", nil, []string{"mode tcp", "server a 1.1.1.1:1 id 1 check"}, ""},
		{"static-rr", nil, []string{"balance static-rr"}, "static-rr"},
		{"source", []string{"balance source"}, nil, "balance source"},
		{"source consistent", nil, []string{"balance source", "hash-type consistent"}, ""},
		{"default-server", []string{"default-server inter 1s"}, nil, "default-server"},
		{"no id", nil, []string{"server a 1.1.1.1:1"}, "has no id"},
		{"cookie", nil, []string{"server a 1.1.1.1:1 id 1 cookie a"}, "option cookie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Refusal(backend(tt.b...), tt.defaults)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("Refusal = %q, want %q", got, tt.want)
			}
		})
	}
}

// Choose: a slot pool uses slots, a backend Refusal clears is dynamic,
// the rest reloads; dynamic_servers off keeps every backend on reloads.
func TestChoose(t *testing.T) {
	stanzas := map[string]*stanza.Backend{
		"dyn":   backend("server a 1.1.1.1:1 id 1"),
		"rel":   backend("balance static-rr", "server a 1.1.1.1:1 id 1"),
		"slots": backend("server slot1 1.1.1.1:1 id 1 cookie slot1", "server slot2 127.0.0.1:1 id 2 cookie slot2 disabled"),
	}
	wants := func() Wants {
		w := Wants{}
		for name := range stanzas {
			w[name] = &Backend{Service: name, Name: name, Mech: Reload, Live: []string{"x"}}
		}
		return w
	}
	w := wants()
	c := &Chooser{}
	why := map[string]string{}
	c.Choose(w, stanzas, nil, nil, func(b, r string) { why[b] = r })
	got := map[string]Mechanism{}
	for name, d := range w {
		got[name] = d.Mech
	}
	want := map[string]Mechanism{"dyn": Dynamic, "rel": Reload, "slots": Slots}
	for name := range want {
		if got[name] != want[name] {
			t.Errorf("%s: mechanism %s, want %s (why %q)", name, got[name], want[name], why[name])
		}
	}
	if why["slots"] != SlotsChoice || why["dyn"] != "" || why["rel"] == "" {
		t.Errorf("choices %q", why)
	}
	if !slices.Equal(w["slots"].Live, []string{"slot1"}) {
		t.Errorf("slot backend live %q, want the live slot", w["slots"].Live)
	}
	off := &Chooser{Off: true}
	w = wants()
	off.Choose(w, stanzas, nil, nil, func(b, r string) { t.Errorf("off chose for %s", b) })
	if w["dyn"].Mech != Reload {
		t.Error("dynamic_servers off chose a mechanism")
	}
}
