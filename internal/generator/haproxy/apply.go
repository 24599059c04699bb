package haproxy

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/apply"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// apply plans want on each of clients (one per nbproc process) against
// its record of "show stat", whole, and sends the plan; a failure on any
// of them makes the single reload pending.
func (g *Generator) apply(ctx context.Context, want plan.Wants, clients []*hapi.Client) {
	g.applyWants(ctx, allWants(want), clients)
}

// applyWants is apply for an update's wants, whose part alone is planned
// against a record that followed the previous generation's commands.
func (g *Generator) applyWants(ctx context.Context, w *updateWants, clients []*hapi.Client) {
	for _, c := range clients {
		g.reconcileSocket(ctx, c, w)
	}
}

// reconcileSocket brings one socket in line: the plan's enables, its
// run-time changes (adds, weights, slot refills, drains), then its
// disables, all planned against the socket's record (statcache.go), which
// it then patches with what the commands did.
func (g *Generator) reconcileSocket(ctx context.Context, c *hapi.Client, w *updateWants) {
	st, want, p, err := g.planSocketOf(ctx, c, w)
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
	// Make before break: what takes traffic first, what stops after.
	enables, disables := p.Split()
	if !g.sendCommands(ctx, c, enables) {
		return
	}
	g.socketRecovered(c.Path())
	g.applyDynamic(ctx, c, p)
	if !g.sendCommands(ctx, c, disables) {
		return
	}
	ch := statChanges{status: p.Status, added: p.Added, removed: map[plan.Ref]bool{}}
	g.recordRemovals(&ch, c.Path(), p.Removals)
	if len(p.Refills) > 0 {
		g.forgetStat(c.Path()) // slot setups change statuses the record does not follow
	}
	g.applyStat(c.Path(), ch)
}

// planSocketOf plans one socket against its record: w's part when the
// record followed the previous generation's commands (the other
// services' stanzas are that generation's, whose plan went out), all of w
// when it was read afresh. When the part asks for nothing, HAProxy is
// read anyway and all of w planned: an update with nothing to send has no
// latency to save, and the read notices a dead socket or an outside
// change, as the original's read before every update does.
func (g *Generator) planSocketOf(ctx context.Context, c *hapi.Client, w *updateWants) (*statEntry, plan.Wants, plan.Plan, error) {
	// Every slot pool is in the part (render.Result.Fresh: pools are
	// rendered on every update), so the part tells as the whole would.
	agents := w.part
	if agents == nil {
		agents = w.whole()
	}
	if agents.SlotAgents() {
		// Agents change admin states behind the record's back: a free
		// slot written "disabled" is readied by its agent after a reload.
		g.forgetStat(c.Path())
	}
	part := w.part != nil && g.currentStat(c.Path()) != nil
	planned := w.part
	if !part {
		planned = w.whole()
	}
	// Before statRows: "show info" goes first when the version is not
	// known yet.
	planned = g.forSocket(ctx, c, planned)
	st, cached, err := g.statRows(ctx, c)
	if st == nil {
		return nil, nil, plan.Plan{}, err
	}
	if part && !cached {
		// The record aged out meanwhile; read afresh, it is planned whole.
		planned = g.forSocket(ctx, c, w.whole())
	}
	p := st.rec.Plan(planned)
	if cached && p.Idle() {
		g.forgetStat(c.Path())
		return g.planSocketOf(ctx, c, allWants(w.whole()))
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
