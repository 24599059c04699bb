package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// backend builds a stanza from "server ..." lines and other lines.
func backend(lines ...string) *stanza.Backend {
	b := stanza.NewBackend(nil)
	for _, l := range lines {
		if strings.HasPrefix(l, "server ") {
			b.Add(stanza.LineServer(l))
			continue
		}
		b.Lines = append(b.Lines, l)
	}
	return b
}

func row(proxy, server, status string) hapi.StatRow {
	if server == "" {
		return hapi.StatRow{Proxy: proxy, Server: "BACKEND", Type: hapi.TypeBackend, Status: status}
	}
	return hapi.StatRow{Proxy: proxy, Server: server, Type: hapi.TypeServer, Status: status}
}

func kindsOf(rs []Reason) []Kind {
	var out []Kind
	for _, r := range rs {
		out = append(out, r.Kind)
	}
	return out
}

// The enable/disable plan of the reload path: only servers of managed
// backends, only when their status differs from what is wanted, and a
// reason for each wanted server or backend HAProxy does not run.
func TestSocketEnableDisable(t *testing.T) {
	rows := []hapi.StatRow{
		row("svc", "", "UP"), row("svc", "a:1", "MAINT"), row("svc", "b:1", "UP"), row("svc", "c:1", "no check"),
		row("svc", "d:1", "MAINT"), row("other", "x:1", "UP"),
	}
	tests := []struct {
		name    string
		want    *Backend
		cmds    []string
		reasons []Kind
	}{
		{"enable and disable", &Backend{Service: "svc", Name: "svc", Live: []string{"a:1", "c:1"}},
			[]string{"enable server svc/a:1", "disable server svc/b:1"}, nil},
		{"no check stays", &Backend{Service: "svc", Name: "svc", Live: []string{"a:1", "b:1", "c:1", "d:1"}},
			[]string{"enable server svc/a:1", "enable server svc/d:1"}, nil},
		{"disabled service", &Backend{Service: "svc", Name: "svc", Disabled: true, Live: []string{"a:1"}},
			[]string{"disable server svc/b:1", "disable server svc/c:1"}, nil},
		{"server not running", &Backend{Service: "svc", Name: "svc", Live: []string{"a:1", "b:1", "c:1", "e:1"}},
			[]string{"enable server svc/a:1"}, []Kind{NewServer}},
		{"backend not running", &Backend{Service: "new", Name: "new", Live: []string{"a:1"}}, nil, []Kind{NewSection}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Wants{tt.want.Name: tt.want}
			tt.want.Mech = Reload
			p := Socket(rows, Running(rows), w)
			if !slices.Equal(p.Commands, tt.cmds) {
				t.Errorf("commands %q, want %q", p.Commands, tt.cmds)
			}
			if got := kindsOf(p.Reasons); !slices.Equal(got, tt.reasons) {
				t.Errorf("reasons %v, want %v", p.Reasons, tt.reasons)
			}
		})
	}
}

// Split keeps each batch in the plan's order: the enables, then the
// disables (a slot agent's "disable agent" still before its "disable
// server").
func TestPlanSplit(t *testing.T) {
	p := Plan{Commands: []string{
		"disable agent b/s1", "disable server b/s1", "enable server b/s2", "disable server b/s3", "enable server b/s4",
	}}
	enables, disables := p.Split()
	if want := []string{"enable server b/s2", "enable server b/s4"}; !slices.Equal(enables, want) {
		t.Errorf("enables %q, want %q", enables, want)
	}
	if want := []string{"disable agent b/s1", "disable server b/s1", "disable server b/s3"}; !slices.Equal(disables, want) {
		t.Errorf("disables %q, want %q", disables, want)
	}
}
