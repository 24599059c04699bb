package nerve

import (
	"math"
	"sync"
	"time"
)

// rampFib is go-nerve's warm-up curve: after n of its 12 intervals a
// service gets ceil(rampFib[n] × target / 233) (at least 1), so traffic
// grows slowly while caches are cold and fast at the end.
var rampFib = [...]int{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233}

// rampStep is one weight of a ramp and when, after its start, it applies.
type rampStep struct {
	At     time.Duration
	Weight int
}

// rampSteps is the schedule from 1 to target over d: the rampFib points,
// equal neighbours merged (a small target reaches some values twice). The
// first step is at 0 and the last, target, at d. A target of 1 or less, or
// no ramp, is one step.
func rampSteps(target int, d time.Duration) []rampStep {
	if d <= 0 || target <= 1 {
		return []rampStep{{0, target}}
	}
	last := rampFib[len(rampFib)-1]
	n := len(rampFib) - 1
	var out []rampStep
	for i, f := range rampFib {
		w := max(1, int(math.Ceil(float64(f)*float64(target)/float64(last))))
		if len(out) > 0 && out[len(out)-1].Weight == w {
			continue
		}
		out = append(out, rampStep{At: d * time.Duration(i) / time.Duration(n), Weight: w})
	}
	return out
}

// liveWeight is a weight set over the admin socket. It belongs to the
// service's supervisor: kept across worker restarts and across reloads
// that leave the service's config unchanged, dropped with the supervisor
// when the service's config changes (the edited config wins) and on
// restart (it is never written to disk).
type liveWeight struct {
	mu     sync.Mutex
	set    bool
	target int
	start  time.Time
	steps  []rampStep
}

// setTarget starts a ramp (or an immediate change when ramp is 0) to target.
func (l *liveWeight) setTarget(target int, ramp time.Duration, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.set, l.target, l.start, l.steps = true, target, now, rampSteps(target, ramp)
}

// reset drops the live weight: the configured one applies again.
func (l *liveWeight) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.set, l.steps = false, nil
}

// weightState is the live weight at a moment, for the worker and status.
type weightState struct {
	Set     bool
	Current int           // the step in force
	Target  int           // where the ramp ends
	Step    int           // 1-based index of the step in force
	Steps   int           // steps in the ramp (1: no ramp)
	Next    time.Duration // until the next step; 0 when the ramp is over
	Ends    time.Time     // when the ramp reaches Target
}

func (l *liveWeight) at(now time.Time) weightState {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.set {
		return weightState{}
	}
	st := weightState{Set: true, Target: l.target, Steps: len(l.steps)}
	el := now.Sub(l.start)
	for i, s := range l.steps {
		if s.At > el {
			st.Next = s.At - el
			break
		}
		st.Current, st.Step = s.Weight, i+1
	}
	st.Ends = l.start.Add(l.steps[len(l.steps)-1].At)
	return st
}

// effective is the weight to register: the live one when set, else the
// configured one (nil: the payload has no weight).
func (ws weightState) effective(configured *int) *int {
	if ws.Set {
		w := ws.Current
		return &w
	}
	return configured
}
