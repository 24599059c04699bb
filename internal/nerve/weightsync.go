package nerve

import (
	"context"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
)

// syncWeight gives the reporter the payload with the weight in force
// (live or configured) when it differs from what the reporter has. A
// reporter that has registered rewrites the registration in place; one
// that has not keeps the payload for its next registration. A failure is
// logged and retried next iteration. It returns how long until the next
// ramp step (0: none pending).
func (w *worker) syncWeight(ctx context.Context, rep reporter.Reporter) time.Duration {
	ws := w.live.at(w.env.now())
	want := ws.effective(w.spec.Weight)
	if w.synced && equalWeight(w.sent, want) {
		return ws.Next
	}
	if w.spec.Payload == nil {
		return ws.Next
	}
	up, ok := rep.(reporter.Updater)
	if !ok {
		if !w.synced {
			w.log.Warn("this reporter cannot change the weight of a registration; the configured weight stays")
			w.synced, w.sent = true, want
		}
		return ws.Next
	}
	payload, err := w.spec.Payload(want)
	if err == nil {
		err = up.SetPayload(ctx, payload)
	}
	if err != nil {
		w.log.Warn("weight change not applied yet; retrying", "weight", fmtWeight(want), "err", err)
		return min(ws.Next, time.Second)
	}
	if w.synced || !equalWeight(want, w.spec.Weight) {
		w.log.Info("registration weight changed", "weight", fmtWeight(want), "target", ws.Target,
			"step", ws.Step, "steps", ws.Steps, "live", ws.Set)
	}
	w.synced, w.sent = true, want
	w.st.update(func(s *serviceState) { s.registeredWeight = cloneInt(want) })
	return ws.Next
}

func equalWeight(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func fmtWeight(p *int) any {
	if p == nil {
		return "none"
	}
	return *p
}
