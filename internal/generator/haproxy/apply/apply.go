// Package apply sends a plan's commands to one HAProxy runtime API socket
// and reports what HAProxy made of them: the server lines it now runs
// (plan.Change), and for each command it refused a reload reason, since
// only the new config can then bring HAProxy in line. What to send is
// package plan's business; what to log, count and remember is the
// generator's.
package apply

import (
	"context"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// BatchSize is how many commands share one connection. The original
// sends 4; a larger batch turns a deploy into fewer round trips while the
// line (with pkg/haproxy's framing command after each) stays far below
// HAProxy's 16 KiB buffer.
const BatchSize = 16

// Conn is one HAProxy runtime API socket (*haproxy.Client).
type Conn interface {
	Exec(ctx context.Context, cmds ...string) ([]hapi.Result, error)
}

// Report is what HAProxy made of the commands sent.
type Report struct {
	// OK counts the commands HAProxy took.
	OK int
	// Refused are the commands HAProxy answered with an error.
	Refused []hapi.Result
	// Err is the socket's failure; Unsent commands were not (all) sent.
	Err    error
	Unsent int
}

// Reasons are the reload reasons of the refusals.
func (r Report) Reasons() []plan.Reason {
	out := make([]plan.Reason, 0, len(r.Refused))
	for _, res := range r.Refused {
		out = append(out, plan.Reason{Kind: plan.SocketError, Detail: res.Err.Error()})
	}
	return out
}

func (r *Report) add(o Report) {
	r.OK += o.OK
	r.Refused = append(r.Refused, o.Refused...)
	r.Err, r.Unsent = o.Err, r.Unsent+o.Unsent
}

// Send sends cmds in batches of BatchSize, and stops at a socket failure.
func Send(ctx context.Context, c Conn, cmds []string) Report {
	r, _ := send(ctx, c, cmds)
	return r
}

// send is Send, with whether HAProxy took each command.
func send(ctx context.Context, c Conn, cmds []string) (Report, []bool) {
	var r Report
	took := make([]bool, len(cmds))
	for start := 0; start < len(cmds); start += BatchSize {
		batch := cmds[start:min(start+BatchSize, len(cmds))]
		results, err := c.Exec(ctx, slices.Clone(batch)...)
		if err != nil {
			r.Err, r.Unsent = err, len(batch)
			return r, took
		}
		for i, res := range results {
			if res.Err != nil {
				r.Refused = append(r.Refused, res)
				continue
			}
			took[start+i] = true
			r.OK++
		}
	}
	return r, took
}

// Runtime sends a plan's Runtime commands ("add server", "set server
// weight"), each batch after "experimental-mode on" for HAProxy 2.4 and
// 2.5, and returns the server lines HAProxy now runs: all of the plan's
// Changes once the socket worked, since a refusal's reload reason covers
// the line it refused; none when the socket failed.
func Runtime(ctx context.Context, c Conn, p plan.Plan, experimental bool) ([]plan.Change, Report) {
	cmds := p.Runtime
	if experimental {
		cmds = withExperimental(cmds)
	}
	r := Send(ctx, c, cmds)
	if r.Err != nil {
		return nil, r
	}
	return p.Changes, r
}

// withExperimental starts every batch with "experimental-mode on", which
// HAProxy 2.4 and 2.5 want on the connection that sends "add server".
func withExperimental(cmds []string) []string {
	var out []string
	for batch := range slices.Chunk(cmds, BatchSize-1) {
		out = append(out, "experimental-mode on")
		out = append(out, batch...)
	}
	return out
}

// Fill sets each slot's address and weight, and only then, for the slots
// whose setup HAProxy took whole, sends "state ready": a slot whose new
// address was refused must not take traffic at its old one. It returns
// the slots filled.
func Fill(ctx context.Context, c Conn, refills []plan.Refill) ([]plan.Change, Report) {
	var cmds []string
	var owner []int
	for i, f := range refills {
		cmds = append(cmds, f.Setup...)
		for range f.Setup {
			owner = append(owner, i)
		}
	}
	setup, took := send(ctx, c, cmds)
	if setup.Err != nil {
		return nil, setup
	}
	refused := map[int]bool{}
	for i, ok := range took {
		if !ok {
			refused[owner[i]] = true
		}
	}
	var ready []string
	var done []plan.Change
	for i, f := range refills {
		if !refused[i] {
			ready = append(ready, hapi.SetServerStateCommand(f.Ref.Backend, f.Ref.Server, hapi.Ready))
			done = append(done, plan.Change{Ref: f.Ref, Spec: f.Spec})
		}
	}
	r := Send(ctx, c, ready)
	setup.add(r)
	if len(ready) == 0 || r.Err != nil {
		return nil, setup
	}
	return done, setup
}
