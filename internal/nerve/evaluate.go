package nerve

import (
	"context"
	"time"
)

// evaluate runs the checks in config order through their rise/fall filters
// and short-circuits on the first one that is down, as the original does.
func (w *worker) evaluate(ctx context.Context) bool {
	if w.spec.CheckMocked {
		w.setChecksUp(true)
		return true
	}
	if m, down := w.env.maintenance(w.spec.Name); down {
		if !w.st.snapshot().Maintenance {
			w.log.Warn("service in maintenance; reporting down", "reason", m.Reason, "file", m.Source, "expires", fmtExpiry(m.Expires))
		}
		w.setMaintenance(&m)
		return false
	}
	statuses := make([]CheckStatus, len(w.spec.Checks))
	up := true
	for i, c := range w.spec.Checks {
		statuses[i] = CheckStatus{Name: c.Name, Type: c.Type, Up: w.filters[i].Up(), Skipped: !up}
		if !up {
			continue // frozen, as in the original: later checks do not run
		}
		statuses[i] = w.runCheck(ctx, i)
		up = statuses[i].Up
	}
	w.st.update(func(s *serviceState) { s.checks = statuses })
	w.setMaintenance(nil)
	w.setChecksUp(up)
	return up
}

func (w *worker) runCheck(ctx context.Context, i int) CheckStatus {
	c := w.spec.Checks[i]
	start := time.Now()
	err := c.Check.Check(ctx)
	d := time.Since(start)
	up, changed := w.filters[i].Observe(err == nil)
	w.env.m.check(&w.series[i], w.spec.Name, c, err == nil, up, d)
	st := CheckStatus{Name: c.Name, Type: c.Type, Up: up, LastOK: err == nil, DurationS: d.Seconds(), LastRunUTC: fmtTime(start)}
	if err != nil {
		st.LastError = err.Error()
		w.log.Debug("service check failed", "check", c.Name, "err", err)
	}
	if changed {
		w.log.Info("service check state", "check", c.Name, "up", up, "err", err)
	}
	return st
}

func (w *worker) setChecksUp(up bool) {
	w.st.update(func(s *serviceState) { s.checksUp = &up })
}

// setMaintenance records the spool entry that holds the service down (nil:
// none); the checks do not run meanwhile, so checksUp says down.
func (w *worker) setMaintenance(m *maintenance) {
	w.st.update(func(s *serviceState) {
		if m != nil {
			down := false
			s.checksUp = &down
		}
		s.maint = m
	})
}

// fmtExpiry is an expiry for logs and status: RFC 3339, "" for none.
func fmtExpiry(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
