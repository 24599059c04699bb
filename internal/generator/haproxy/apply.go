package haproxy

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/apply"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// apply plans want on each of clients (one per nbproc process) against
// its record of "show stat" and sends the plan; a failure on any of them
// makes the single reload pending. unchanged are the services whose
// stanzas the previous plan already brought about.
func (g *Generator) apply(ctx context.Context, want plan.Wants, unchanged map[string]bool, clients []*hapi.Client) {
	for _, c := range clients {
		g.reconcileSocket(ctx, c, g.forSocket(ctx, c, want), unchanged)
	}
}

// reconcileSocket brings one socket in line: the enable/disable plan,
// then the dynamic one, both against the socket's record (statcache.go),
// which it then patches with what the commands did.
func (g *Generator) reconcileSocket(ctx context.Context, c *hapi.Client, want plan.Wants, unchanged map[string]bool) {
	st, want, p, err := g.planSocketOf(ctx, c, want, unchanged)
	if st == nil && err != nil {
		g.socketFailed(c.Path(), err)
		return
	}
	if err != nil {
		g.log.Warn("skipped malformed show stat lines", "path", c.Path(), "err", err)
	}
	g.socketReasons(p.Reasons)
	if !st.slotsChecked {
		// Before "enable server": a slot must not take traffic at an
		// address restored from the server state file.
		st.slotsChecked = true
		g.checkSlots(ctx, c, want)
	}
	if !g.sendCommands(ctx, c, p.Commands) {
		return
	}
	g.socketRecovered(c.Path())
	g.applyDynamic(ctx, c, p)
	ch := statChanges{status: p.Status, added: p.Added, removed: map[plan.Ref]bool{}}
	g.recordRemovals(&ch, c.Path(), p.Removals)
	if len(p.Refills) > 0 {
		g.forgetStat(c.Path()) // slot setups change statuses the record does not follow
	}
	g.applyStat(c.Path(), ch)
}

// planSocketOf plans one socket against its record. When the record asks
// for nothing, HAProxy is read anyway: an update with nothing to send has
// no latency to save, and the read notices a dead socket or an outside
// change, as the original's read before every update does.
func (g *Generator) planSocketOf(ctx context.Context, c *hapi.Client, want plan.Wants, unchanged map[string]bool) (*statEntry, plan.Wants, plan.Plan, error) {
	if want.SlotAgents() {
		// Agents change admin states behind the record's back: a free
		// slot written "disabled" is readied by its agent after a reload.
		g.forgetStat(c.Path())
	}
	st, cached, err := g.statRows(ctx, c)
	if st == nil {
		return nil, nil, plan.Plan{}, err
	}
	planned := want
	if cached {
		planned = want.Only(unchanged)
	}
	p := st.rec.Plan(planned)
	if cached && p.Idle() {
		g.forgetStat(c.Path())
		return g.planSocketOf(ctx, c, want, unchanged)
	}
	return st, planned, p, err
}

// applyDynamic sends a socket's run-time changes: "add server" and "set
// server weight", then the slot refills, then the removals. A refused
// command makes a reload pending (took); its line still counts as
// applied, since the reload reason covers it.
func (g *Generator) applyDynamic(ctx context.Context, c *hapi.Client, p plan.Plan) {
	_, experimental := plan.Capable(g.versions[c.Path()])
	changes, r := apply.Runtime(ctx, c, p, experimental)
	if !g.took(c, r) {
		return
	}
	g.applied.Record(changes...)
	if len(changes) > 0 {
		g.log.Info("servers changed at run time", "path", c.Path(), "servers", len(changes))
	}
	g.fillSlots(ctx, c, p.Refills)
	g.drainServers(ctx, c, p.Removals, p.Agentless)
}

// fillSlots sets up the slots to fill and readies those HAProxy set up
// (apply.Fill); a refusal makes a reload pending, which brings the new
// file in.
func (g *Generator) fillSlots(ctx context.Context, c *hapi.Client, refills []plan.Refill) {
	if len(refills) == 0 {
		return
	}
	filled, r := apply.Fill(ctx, c, refills)
	if !g.took(c, r) {
		return
	}
	g.applied.Record(filled...)
	if len(filled) > 0 {
		g.log.Info("slots filled at run time", "path", c.Path(), "slots", len(filled))
	}
}
