package haproxy

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
)

// reasonKind is why HAProxy must reload (plan.Kind): the plan gives most
// reasons, the generator the few about its own state.
type reasonKind = plan.Kind

const (
	reasonInitial       = plan.Initial
	reasonNoSocket      = plan.NoSocket
	reasonSocketError   = plan.SocketError
	reasonNewSection    = plan.NewSection
	reasonNewServer     = plan.NewServer
	reasonServerChanged = plan.ServerChanged
	reasonConfigChanged = plan.ConfigChanged
)

// maxReasons bounds the pending list: a deploy of thousands of servers
// needs one reload, not thousands of log fields.
const maxReasons = 20

type reloadReason = plan.Reason

// reloads is the pending-reload flag of the original with its reasons, and
// the rate limiter. The flag clears only after a successful reload.
type reloads struct {
	pending []reloadReason
	dropped int       // reasons beyond maxReasons
	next    time.Time // no reload before this
	// For `synapse status`: runs of the reload command and the last one.
	runs, failures int
	last           *generator.ReloadEvent
	// streak counts failed reloads in a row, for the backoff.
	streak int
}

// ran records a run of the reload command, for reasons.
func (r *reloads) ran(at time.Time, err error, out string, reasons []string) {
	ev := &generator.ReloadEvent{Time: at, Reasons: reasons, OK: err == nil}
	if err != nil {
		ev.Error = err.Error()
		if out != "" {
			ev.Error += ": " + out
		}
		r.failures++
	} else {
		r.runs++
	}
	r.last = ev
}

func (r *reloads) add(kind reasonKind, detail string) {
	rr := reloadReason{Kind: kind, Detail: detail}
	switch {
	case slices.Contains(r.pending, rr):
	case len(r.pending) >= maxReasons:
		r.dropped++
	default:
		r.pending = append(r.pending, rr)
	}
}

func (r *reloads) has(kind reasonKind) bool {
	return slices.ContainsFunc(r.pending, func(p reloadReason) bool { return p.Kind == kind })
}

// drop removes kind's reasons.
func (r *reloads) drop(kind reasonKind) {
	r.pending = slices.DeleteFunc(r.pending, func(p reloadReason) bool { return p.Kind == kind })
}

func (r *reloads) details() []string { return detailsOf(r.pending, r.dropped) }

func detailsOf(pending []reloadReason, dropped int) []string {
	out := make([]string, 0, len(pending)+1)
	for _, p := range pending {
		out = append(out, string(p.Kind)+": "+p.Detail)
	}
	if dropped > 0 {
		out = append(out, "and more")
	}
	return out
}

// PendingReload lists why a reload is pending (empty when none is), for
// status pages and tests. A reload HAProxy has not yet confirmed is still
// pending: its reasons come first.
func (g *Generator) PendingReload() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.pendingReload()
}

func (g *Generator) pendingReload() []string {
	var out []string
	if c := g.confirm; c != nil {
		out = detailsOf(c.reasons, c.dropped)
	}
	if len(g.reloads.pending) > 0 {
		out = append(out, g.reloads.details()...)
	}
	return out
}

// maybeReload runs reload_command when a reload is pending and the rate
// limit allows: at most one run per restart_interval plus jitter, the
// first one at once. The new process is confirmed (reload_confirm.go)
// before the next run. A failure keeps the reload pending for the next
// window.
func (g *Generator) maybeReload(ctx context.Context) {
	r := &g.reloads
	if len(r.pending) == 0 || !g.cfg.DoReloads {
		return
	}
	if g.confirm != nil {
		// The new process usually answers by now; if not, the reasons
		// wait for the one being confirmed.
		g.checkReload(ctx, reloadTickWait)
		if g.confirm != nil {
			return
		}
	}
	now := g.now()
	if now.Before(r.next) {
		g.log.Debug("haproxy reload rate limited", "until", r.next, "reasons", r.details())
		return
	}
	r.next = now.Add(g.reloadWait())
	// The new process must load the last generation: a file left behind
	// by deferWrite is written first (a failure is logged; the reload
	// still runs, as after a failed write on the update path).
	_ = g.flushConfig(ctx)
	c := &confirming{at: now, reason: string(r.pending[0].Kind), base: g.lastBackends()}
	if g.last != nil {
		c.layout = g.last.Layout
	}
	g.saveServerState(ctx)
	c.before = g.servingPID(ctx)
	var cmdErr error
	c.out, cmdErr = runShell(ctx, g.cfg.ReloadCommand, CommandTimeout)
	if cmdErr == nil && c.before != 0 {
		g.startConfirm(ctx, c)
		return
	}
	c.reasons, c.dropped = r.pending, r.dropped
	r.pending, r.dropped = nil, 0
	g.finishReload(ctx, c, cmdErr, nil)
}

// finishReload counts and logs a reload: failed when its command or its
// confirmation failed (with HAProxy's reason), whose reasons are pending
// again, besides those that came meanwhile, and retried after a backoff.
func (g *Generator) finishReload(ctx context.Context, c *confirming, cmdErr, confirmErr error) {
	r := &g.reloads
	err := cmdErr
	if err == nil {
		err = confirmErr
	}
	var cause reloadCause
	if err != nil {
		var why string
		cause, why = g.reloadFailure(ctx, cmdErr, c.out, err)
		err = fmt.Errorf("%w; %s: %s", err, cause, why)
	}
	details := detailsOf(c.reasons, c.dropped)
	r.ran(c.at, err, c.out, details)
	if err == nil {
		r.streak = 0
		g.m.reloads.WithLabelValues(c.reason, "success").Inc()
		g.log.Info("haproxy reloaded", "reasons", details)
		return
	}
	meanwhile, dropped := r.pending, r.dropped
	r.pending, r.dropped = c.reasons, c.dropped+dropped
	r.addAll(meanwhile)
	r.streak++
	r.next = g.now().Add(g.failedWait(r.streak))
	g.m.reloads.WithLabelValues(c.reason, "failure").Inc()
	g.m.reloadFailures.WithLabelValues(string(cause)).Inc()
	g.log.Error("haproxy reload failed, retrying later", "err", err, "cause", cause,
		"output", c.out, "reasons", r.details(), "failures_in_a_row", r.streak, "retry_at", r.next)
}

// reloadWait is restart_interval plus a random share of restart_jitter of
// it, so a fleet updated at once does not reload in lock step.
func (g *Generator) reloadWait() time.Duration {
	interval := time.Duration(g.cfg.RestartInterval)
	jitter := g.cfg.RestartJitter * float64(interval) * g.rand()
	return interval + time.Duration(jitter)
}

func (r *reloads) addAll(reasons []reloadReason) {
	for _, rr := range reasons {
		r.add(rr.Kind, rr.Detail)
	}
}
