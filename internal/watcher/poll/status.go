package poll

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// Status is the outcome of a watcher's latest round, for Ping. Rounds set
// it while health checks read it, hence the atomic.
type Status struct {
	notYet error
	last   atomic.Pointer[error] // nil until the first round ends
}

// NewStatus returns a Status whose Ping answers notYet until the first
// round ends: a watcher that has not discovered anything is not healthy.
func NewStatus(notYet error) *Status { return &Status{notYet: notYet} }

// Set records a round's outcome (nil: it succeeded) and returns the
// previous round's error: nil after a success and before the first round.
func (s *Status) Set(err error) error {
	if prev := s.last.Swap(&err); prev != nil {
		return *prev
	}
	return nil
}

// Ping returns the latest round's error, or notYet before the first one.
func (s *Status) Ping(context.Context) error {
	p := s.last.Load()
	if p == nil {
		return s.notYet
	}
	return *p
}

// Streak is a Status that logs only where a failure streak starts and
// ends, so a long outage is one warning and one recovery; the failures in
// between are debug lines.
type Streak struct {
	Status
	log  *slog.Logger
	what string
}

// NewStreak returns a Streak logging to log. what is the subject of its
// lines: "ec2 poll" logs "ec2 poll failed; keeping the last good
// backends", "ec2 poll still failing" and "ec2 poll recovered".
func NewStreak(log *slog.Logger, what string, notYet error) *Streak {
	return &Streak{Status: Status{notYet: notYet}, log: log, what: what}
}

// Record sets a round's outcome and logs a change of streak; recovered
// are the attrs of the recovery line.
func (s *Streak) Record(err error, recovered ...any) {
	switch prev := s.Set(err); {
	case err != nil && prev == nil:
		s.log.Warn(s.what+" failed; keeping the last good backends", "err", err)
	case err != nil:
		s.log.Debug(s.what+" still failing", "err", err)
	case prev != nil:
		s.log.Info(s.what+" recovered", recovered...)
	}
}
