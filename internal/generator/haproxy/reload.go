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

// ran records a run of the reload command.
func (r *reloads) ran(at time.Time, err error, out string) {
	ev := &generator.ReloadEvent{Time: at, Reasons: r.details(), OK: err == nil}
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

func (r *reloads) details() []string {
	out := make([]string, 0, len(r.pending)+1)
	for _, p := range r.pending {
		out = append(out, string(p.Kind)+": "+p.Detail)
	}
	if r.dropped > 0 {
		out = append(out, "and more")
	}
	return out
}

// PendingReload lists why a reload is pending (empty when none is), for
// status pages and tests.
func (g *Generator) PendingReload() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.reloads.pending) == 0 {
		return nil
	}
	return g.reloads.details()
}

// maybeReload runs reload_command when a reload is pending and the rate
// limit allows: at most one run per restart_interval plus jitter, the
// first one at once. A failure keeps the reload pending for the next
// window.
func (g *Generator) maybeReload(ctx context.Context) {
	r := &g.reloads
	if len(r.pending) == 0 || !g.cfg.DoReloads {
		return
	}
	now := g.now()
	if now.Before(r.next) {
		g.log.Debug("haproxy reload rate limited", "until", r.next, "reasons", r.details())
		return
	}
	r.next = now.Add(g.reloadWait())
	reason := string(r.pending[0].Kind)
	g.saveServerState(ctx)
	before := g.servingPID(ctx)
	out, cmdErr := runShell(ctx, g.cfg.ReloadCommand, CommandTimeout)
	err := cmdErr
	if err == nil {
		err = g.confirmReload(ctx, before)
	}
	var cause reloadCause
	if err != nil {
		var why string
		cause, why = g.reloadFailure(ctx, cmdErr, out, err)
		err = fmt.Errorf("%w; %s: %s", err, cause, why)
	}
	r.ran(now, err, out)
	if err != nil {
		r.streak++
		r.next = now.Add(g.failedWait(r.streak))
		g.m.reloads.WithLabelValues(reason, "failure").Inc()
		g.m.reloadFailures.WithLabelValues(string(cause)).Inc()
		g.log.Error("haproxy reload failed, retrying later", "err", err, "cause", cause,
			"output", out, "reasons", r.details(), "failures_in_a_row", r.streak, "retry_at", r.next)
		return
	}
	r.streak = 0
	g.m.reloads.WithLabelValues(reason, "success").Inc()
	g.log.Info("haproxy reloaded", "reasons", r.details())
	r.pending, r.dropped = nil, 0
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
