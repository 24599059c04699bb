package haproxy

import (
	"context"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// fillSlots sets each slot's address and weight, and only then, for the
// slots whose setup HAProxy took, sends "state ready": a slot whose new
// address was refused must not take traffic at its old one. A refusal
// makes a reload pending, which brings the new file in.
func (g *Generator) fillSlots(ctx context.Context, c *hapi.Client, refills []plan.Refill) {
	if len(refills) == 0 {
		return
	}
	ok, sent := g.setupSlots(ctx, c, refills)
	if !sent {
		return
	}
	var ready []string
	var done []plan.Refill
	for i, r := range refills {
		if ok[i] {
			ready = append(ready, hapi.SetServerStateCommand(r.Ref.Backend, r.Ref.Server, hapi.Ready))
			done = append(done, r)
		}
	}
	if len(ready) == 0 || !g.sendCommands(ctx, c, ready) {
		return
	}
	for _, r := range done {
		g.applied.Record(plan.Change{Ref: r.Ref, Spec: r.Spec})
	}
	g.log.Info("slots filled at run time", "path", c.Path(), "slots", len(done))
}

// setupSlots sends the setup commands in batches and reports, per
// refill, whether all of its commands succeeded, and whether the socket
// worked.
func (g *Generator) setupSlots(ctx context.Context, c *hapi.Client, refills []plan.Refill) ([]bool, bool) {
	ok := make([]bool, len(refills))
	var cmds []string
	var owner []int
	for i, r := range refills {
		ok[i] = true
		cmds = append(cmds, r.Setup...)
		for range r.Setup {
			owner = append(owner, i)
		}
	}
	for start := 0; start < len(cmds); start += socketBatchSize {
		end := min(start+socketBatchSize, len(cmds))
		results, err := c.Exec(ctx, slices.Clone(cmds[start:end])...)
		if err != nil {
			g.m.socketCommands.WithLabelValues("error").Add(float64(end - start))
			g.socketFailed(c.Path(), err)
			return ok, false
		}
		for j, res := range results {
			if res.Err != nil {
				ok[owner[start+j]] = false
				g.m.socketCommands.WithLabelValues("error").Inc()
				g.log.Warn("haproxy refused a slot's setup, the slot stays out", "path", c.Path(), "err", res.Err)
				g.reloads.add(reasonSocketError, res.Err.Error())
				continue
			}
			g.m.socketCommands.WithLabelValues("ok").Inc()
		}
	}
	return ok, true
}
