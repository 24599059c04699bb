package nerve

import (
	"time"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// SetWeight sets service's live weight (nil: back to the configured one),
// climbing from 1 over ramp, and wakes its worker so the first step is
// written at once. "all" is refused: a weight is per service.
func (d *Daemon) SetWeight(service string, weight *int, ramp time.Duration) (time.Time, *int, error) {
	if service == spoolAll {
		return time.Time{}, nil, d.unknown(service)
	}
	d.mu.Lock()
	s, ok := d.workers[service]
	d.mu.Unlock()
	if !ok {
		return time.Time{}, nil, d.unknown(service)
	}
	if s.spec.Payload == nil {
		return time.Time{}, nil, admin.Unavailable("the weight of " + service + " cannot be changed live")
	}
	now := d.opts.Clock()
	if weight == nil {
		s.live.reset()
		d.log.Info("live weight dropped; the configured weight applies", "service", service, "weight", fmtWeight(s.spec.Weight))
	} else {
		s.live.setTarget(*weight, ramp, now)
		d.log.Info("live weight set", "service", service, "weight", *weight, "ramp", ramp.String())
	}
	s.wake()
	return now.Add(ramp), cloneInt(s.spec.Weight), nil
}

// weightStatus fills in the configured weight and the live one's progress.
func (s *supervisor) weightStatus(w *admin.WeightStatus, now time.Time) {
	w.Configured = cloneInt(s.spec.Weight)
	ws := s.live.at(now)
	if !ws.Set {
		return
	}
	w.Live, w.Target, w.Step, w.Steps = true, &ws.Target, ws.Step, ws.Steps
	if ws.Steps > 1 {
		w.RampEnds = ws.Ends.UTC().Format(time.RFC3339)
	}
}
