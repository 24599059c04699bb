package haproxy

import (
	"context"
	"fmt"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// reloadConfirmWait is how long a reload waits in line for its new
// process before Update and Tick go on. Most reloads are confirmed within
// it, as if synchronously; one HAProxy is slow to load, or refuses, is
// confirmed from Tick until reloadCheck has passed, so that runtime
// changes (a deregistration) keep going over the socket meanwhile. A
// wait of reloadCheck per attempt once held every runtime change 10 s.
const reloadConfirmWait = 250 * time.Millisecond

// confirming is a reload whose command has run and whose new process has
// not answered yet.
type confirming struct {
	before   int       // the pid that served before the command
	at       time.Time // g.now() at the command, for the reload event
	deadline time.Time // wall clock: HAProxy's own load time
	reason   string    // the metric's label, the first reason's kind
	reasons  []reloadReason
	dropped  int
	out      string
	lastErr  error // the last socket error, nil while the old process answers
	// base is the generation written when the command ran, the config
	// the new process loads: what updates sent meanwhile to the old
	// process is planned against it once the new one answers.
	base map[string]*stanza.Backend
	// layout is that generation's sections, the reload diff's baseline
	// once the new process answers; diffed is set when an update's diff
	// was left for then (socketReasons).
	layout plan.Config
	diffed bool
}

// startConfirm takes the pending reasons into c: new ones arriving while
// HAProxy loads are for the next reload; c's come back if this one fails.
func (g *Generator) startConfirm(ctx context.Context, c *confirming) {
	r := &g.reloads
	c.reasons, c.dropped = r.pending, r.dropped
	r.pending, r.dropped = nil, 0
	c.deadline = time.Now().Add(g.reloadCheck)
	g.confirm = c
	g.checkReload(ctx, min(reloadConfirmWait, g.reloadCheck))
}

// reloadTickWait bounds Tick's question to the socket about a reload
// being confirmed: one "show info", unless the socket hangs.
const reloadTickWait = 100 * time.Millisecond

// checkReload asks the socket, for up to wait, whether a new process
// serves; it settles the reload once one does or once reloadCheck has
// passed without one.
func (g *Generator) checkReload(ctx context.Context, wait time.Duration) {
	c := g.confirm
	if c == nil {
		return
	}
	pollCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	t := time.NewTicker(reloadCheckPoll)
	defer t.Stop()
	for {
		if g.pollReload(pollCtx, c) {
			g.settleReload(ctx, nil)
			return
		}
		if !time.Now().Before(c.deadline) {
			g.settleReload(ctx, c.failure(g.clients[0].Path(), g.reloadCheck))
			return
		}
		select {
		case <-pollCtx.Done():
			return
		case <-t.C:
		}
	}
}

// pollReload reports whether another process than c.before answers.
func (g *Generator) pollReload(ctx context.Context, c *confirming) bool {
	info, err := g.clients[0].ShowInfo(ctx)
	switch {
	case err == nil && info.PID != 0 && info.PID != c.before:
		return true
	case err == nil:
		c.lastErr = nil // the old process answers
	case ctx.Err() == nil:
		c.lastErr = err
	}
	return false
}

func (c *confirming) failure(path string, timeout time.Duration) error {
	if c.lastErr != nil {
		return fmt.Errorf("%w %s within %s after reload_command: %w",
			errReloadNoAnswer, path, timeout, c.lastErr)
	}
	return fmt.Errorf("%w: process %d still serves %s after reload_command, HAProxy refused the new config",
		errReloadRefused, c.before, timeout)
}

// settleReload records the confirmed reload's outcome (err nil: success).
// Either way every record of HAProxy's servers is dropped. A new process
// runs the config of c.base: the last generation is planned in full
// against it at once, so what updates sent meanwhile to the old process
// (a weight, a deregistration) is sent again, and what it cannot take
// makes a reload pending, as a plan against the old process could not
// tell.
func (g *Generator) settleReload(ctx context.Context, err error) {
	c := g.confirm
	g.confirm = nil
	g.forgetAllStats()
	g.finishReload(ctx, c, nil, err)
	if err != nil || g.last == nil {
		return
	}
	g.applied = plan.Applied{}
	if g.cfg.DoSocket && g.lastIn != nil {
		g.apply(ctx, g.wants(g.lastIn, g.last, c.base, c.base), g.clients)
	}
	if c.diffed {
		g.reloads.addAll(plan.Diff(c.layout, g.last.Layout, g.applied))
	}
}

// diffReasons adds the reload diff's reasons, unless a reload is being
// confirmed: the lines its updates applied went to the old process, and
// settleReload diffs the last generation against the reloaded one, less
// what its plan applied to the new process.
func (g *Generator) diffReasons(reasons []plan.Reason) {
	if g.confirm != nil {
		g.confirm.diffed = true
		return
	}
	g.reloads.addAll(reasons)
}

// socketReasons adds a socket plan's reload reasons, unless a reload is
// being confirmed: the old process lacks what the new config brings, and
// settleReload plans against the new one.
func (g *Generator) socketReasons(reasons []plan.Reason) {
	if g.confirm == nil {
		g.reloads.addAll(reasons)
	}
}
