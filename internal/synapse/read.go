package synapse

import (
	"cmp"
	"slices"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// leaderWarnInterval paces the leader-election warning, as the original's
// LEADER_WARN_INTERVAL.
const leaderWarnInterval = 30 * time.Second

// Backends returns what generators see: the stored backends, narrowed by
// the label filters, then by leader election. The slice may be shared with
// the state (and the watcher): read it, never modify it.
func (s *ServiceState) Backends() []registration.Backend {
	if len(s.filters) == 0 && !s.leaderElection && s.backends != nil {
		return s.backends // replaced, never modified, by SetBackends
	}
	filtered := make([]registration.Backend, 0, len(s.backends))
	for _, b := range s.backends {
		if s.passes(b) {
			filtered = append(filtered, b)
		}
	}
	if !s.leaderElection {
		return filtered
	}
	return s.leader(filtered)
}

// passes reports whether b satisfies every label filter.
func (s *ServiceState) passes(b registration.Backend) bool {
	for _, f := range s.filters {
		if !f.Match(b.Labels) {
			return false
		}
	}
	return true
}

// leader returns the backend with the smallest id (the oldest ZooKeeper
// registration; the first one on a tie). When there is none to choose, or
// some backend has no id, it returns no backend at all. The original did
// that only on the calls that logged its warning and returned every
// backend on the others within 30 s, so a leader-elected service flapped
// between nothing and everything; here the result is consistently empty
// and only the warning is paced.
func (s *ServiceState) leader(bs []registration.Backend) []registration.Backend {
	problem := ""
	switch {
	case len(bs) == 0:
		problem = "leader election failed: no backends to choose from"
	case slices.ContainsFunc(bs, func(b registration.Backend) bool { return b.ID == nil }):
		problem = "leader election failed: not all backends include an id"
	}
	if problem != "" {
		s.warnLeader(problem, len(bs))
		return []registration.Backend{}
	}
	smallest := slices.MinFunc(bs, func(a, b registration.Backend) int { return cmp.Compare(*a.ID, *b.ID) })
	s.log.Debug("leader election chose a backend", "of", len(bs),
		"backend", smallest.Host+":"+smallest.Port.String(), "id", *smallest.ID)
	return []registration.Backend{smallest}
}

func (s *ServiceState) warnLeader(msg string, candidates int) {
	now := s.now()
	if s.warned && now.Sub(s.leaderWarn) < leaderWarnInterval {
		return
	}
	s.warned, s.leaderWarn = true, now
	s.log.Warn(msg, "candidates", candidates)
}
