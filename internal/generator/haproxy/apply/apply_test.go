package apply

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// fakeConn refuses the commands containing one of refuse, and fails the
// connection from batch failAt on (0: never).
type fakeConn struct {
	refuse  []string
	failAt  int
	batches [][]string
}

func (f *fakeConn) Exec(_ context.Context, cmds ...string) ([]hapi.Result, error) {
	f.batches = append(f.batches, cmds)
	if f.failAt > 0 && len(f.batches) >= f.failAt {
		return nil, errors.New("connection refused")
	}
	out := make([]hapi.Result, len(cmds))
	for i, c := range cmds {
		out[i].Command = c
		for _, r := range f.refuse {
			if strings.Contains(c, r) {
				out[i].Err = errors.New("refused: " + c)
			}
		}
	}
	return out, nil
}

func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "enable server b/s" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
	}
	return out
}

func TestSend(t *testing.T) {
	tests := []struct {
		name              string
		conn              *fakeConn
		n                 int
		ok, refused, left int
		batches           int
	}{
		{"batches", &fakeConn{}, 40, 40, 0, 0, 3},
		{"refusal", &fakeConn{refuse: []string{"b/sc"}}, 5, 4, 1, 0, 1},
		{"failure stops", &fakeConn{failAt: 2}, 40, 16, 0, 16, 2},
		{"nothing", &fakeConn{}, 0, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Send(context.Background(), tt.conn, numbered(tt.n))
			if r.OK != tt.ok || len(r.Refused) != tt.refused || r.Unsent != tt.left || len(tt.conn.batches) != tt.batches {
				t.Errorf("ok %d refused %d unsent %d batches %d; want %d %d %d %d",
					r.OK, len(r.Refused), r.Unsent, len(tt.conn.batches), tt.ok, tt.refused, tt.left, tt.batches)
			}
			if (r.Err != nil) != (tt.left > 0) {
				t.Errorf("err %v", r.Err)
			}
			if got := r.Reasons(); len(got) != tt.refused || tt.refused > 0 && got[0].Kind != plan.SocketError {
				t.Errorf("reasons %v", got)
			}
		})
	}
}

// HAProxy 2.4 and 2.5 get "experimental-mode on" at the start of every
// batch; a socket failure applies nothing, a refusal still counts the
// line (its reload reason covers it).
func TestRuntime(t *testing.T) {
	p := plan.Plan{Runtime: numbered(20), Changes: []plan.Change{{Ref: plan.Ref{Backend: "b", Server: "sa"}}}}
	c := &fakeConn{refuse: []string{"b/sb"}}
	changes, r := Runtime(context.Background(), c, p, true)
	if len(changes) != 1 || len(r.Refused) != 1 {
		t.Errorf("changes %v, refused %v", changes, r.Refused)
	}
	for _, b := range c.batches {
		if b[0] != "experimental-mode on" || len(b) > BatchSize {
			t.Errorf("batch %q", b)
		}
	}
	changes, r = Runtime(context.Background(), &fakeConn{failAt: 1}, p, false)
	if changes != nil || r.Err == nil {
		t.Errorf("failed socket: changes %v, err %v", changes, r.Err)
	}
}

// A slot is readied only when HAProxy took its whole setup.
func TestFill(t *testing.T) {
	refill := func(s, addr string) plan.Refill {
		return plan.Refill{Ref: plan.Ref{Backend: "b", Server: s}, Spec: "server " + s + " " + addr,
			Setup: []string{"set server b/" + s + " addr " + addr, "set server b/" + s + " weight 2"}}
	}
	refills := []plan.Refill{refill("slot1", "10.0.0.1"), refill("slot2", "10.0.0.2"), refill("slot3", "10.0.0.3")}
	c := &fakeConn{refuse: []string{"addr 10.0.0.2"}}
	filled, r := Fill(context.Background(), c, refills)
	if want := []plan.Ref{{Backend: "b", Server: "slot1"}, {Backend: "b", Server: "slot3"}}; !slices.Equal(refs(filled), want) {
		t.Errorf("filled %v, want %v", filled, want)
	}
	last := c.batches[len(c.batches)-1]
	if want := []string{"set server b/slot1 state ready", "set server b/slot3 state ready"}; !slices.Equal(last, want) {
		t.Errorf("ready batch %q, want %q", last, want)
	}
	if len(r.Refused) != 1 || r.OK != 7 {
		t.Errorf("report %+v", r)
	}
	if filled, r := Fill(context.Background(), &fakeConn{failAt: 1}, refills); filled != nil || r.Err == nil {
		t.Errorf("failed socket filled %v", filled)
	}
}

func refs(cs []plan.Change) []plan.Ref {
	var out []plan.Ref
	for _, c := range cs {
		out = append(out, c.Ref)
	}
	return out
}
