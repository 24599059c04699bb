package nerve

import (
	"context"
	"errors"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
)

type result int

const (
	resultOK result = iota
	resultFail
	// resultThrottled leaves the failure counter as it is (the original's nil).
	resultThrottled
	// resultAborted: shutdown interrupted the round; nothing was reported.
	resultAborted
	// resultDisconnected: the registry could not be asked (a ZooKeeper
	// disconnect). Reporting is skipped, as in the original, but the round
	// does not count toward max_repeated_report_failures: a restart would
	// tear down a registration and session that may well be alive, and the
	// reporter's connection recovers on its own.
	resultDisconnected
)

// roundSafety bounds a round beyond its checks' own timeouts, so one hung
// check implementation cannot freeze a service forever.
const roundSafety = 30 * time.Second

// round is the original's check_and_report: ping, checks, then a report
// only when the status differs from the last one reported.
func (w *worker) round(ctx context.Context, rep reporter.Reporter) result {
	ctx, cancel := context.WithTimeout(ctx, w.roundTimeout())
	defer cancel()
	if r := w.ping(ctx, rep); r != resultOK {
		return r
	}
	up := w.evaluate(ctx)
	if ctx.Err() != nil {
		return resultAborted // a check failed because we are stopping, not the service
	}
	if w.known && w.up == up {
		return resultOK
	}
	if !w.allow() {
		return resultThrottled
	}
	return w.report(ctx, rep, up)
}

func (w *worker) roundTimeout() time.Duration {
	d := roundSafety
	for _, c := range w.spec.Checks {
		d += c.Timeout
	}
	return d
}

func (w *worker) ping(ctx context.Context, rep reporter.Reporter) result {
	err := rep.Ping(ctx)
	switch {
	case err == nil:
		w.env.m.ping(w.spec.Name, true)
		return resultOK
	case errors.Is(err, reporter.ErrGone):
		w.env.m.ping(w.spec.Name, true)
		w.log.Warn("registration vanished; reporting again", "err", err)
		w.forget()
		return resultOK
	default:
		w.env.m.ping(w.spec.Name, false)
		w.forget()
		if errors.Is(err, reporter.ErrNotConnected) {
			w.logDisconnected(err)
			return resultDisconnected
		}
		w.log.Warn("reporter ping failed; skipping checks", "err", err)
		return resultFail
	}
}

// logDisconnected logs the first round of a disconnect only: the reporter's
// session already logs the loss and the recovery, and a line per round
// would repeat it for every service.
func (w *worker) logDisconnected(err error) {
	if !w.disconnected {
		w.log.Warn("registry not connected; skipping checks until it is back", "err", err)
	}
	w.disconnected = true
}

func (w *worker) forget() {
	w.known = false
	w.st.update(func(s *serviceState) { s.known = false })
}

// allow consults the rate limiter; in shadow mode it only logs and counts.
func (w *worker) allow() bool {
	if w.limiter == nil || w.limiter.Allow() {
		return true
	}
	shadow := w.spec.RateLimit.ShadowMode
	w.env.m.throttled(w.spec.Name, shadow)
	w.log.Warn("report throttled by rate_limit", "shadow_mode", shadow)
	if shadow {
		return true
	}
	w.forget() // so the change is reported once tokens are back
	return false
}

func (w *worker) report(ctx context.Context, rep reporter.Reporter, up bool) result {
	var err error
	action := "down"
	if up {
		action = "up"
		err = rep.ReportUp(ctx)
	} else {
		err = rep.ReportDown(ctx)
	}
	if errors.Is(err, reporter.ErrNotConnected) {
		// Lost between ping and report: what the registry holds is unknown,
		// so the first round after the reconnect reports again.
		w.env.m.report(w.spec.Name, action, false)
		w.forget()
		w.logDisconnected(err)
		return resultDisconnected
	}
	// Recorded even on failure, as the original does: the failure counter,
	// not a re-report storm, deals with a registry that keeps failing.
	w.known, w.up = true, up
	w.st.update(func(s *serviceState) { s.known, s.reportedUp = true, up })
	w.st.markReported()
	w.env.m.report(w.spec.Name, action, err == nil)
	if err != nil {
		w.log.Warn("failed to report "+action, "err", err)
		return resultFail
	}
	w.env.m.transition(w.spec.Name, action)
	if up {
		w.log.Info("service is now up")
	} else {
		w.log.Warn("service is now down")
	}
	return resultOK
}
