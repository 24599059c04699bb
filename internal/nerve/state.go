package nerve

import (
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// serviceState is what a service's workers share with the status endpoint
// and the gauges. It outlives worker restarts, so /status shows the restart
// count and last error of a crash-looping worker.
type serviceState struct {
	mu         sync.Mutex
	name       string
	running    bool
	known      bool // a report was made (or attempted) since the last reset
	reportedUp bool
	checksUp   *bool
	maint      *maintenance // the entry holding it down, nil when none
	checks     []CheckStatus
	failures   int
	restarts   int
	lastErr    string
	// registeredWeight is the weight in the reporter's payload.
	registeredWeight *int
	path             string
	reportedOnce     sync.Once
	reported         chan struct{} // closed after the first report attempt
}

// CheckStatus and ServiceStatus are the /status document's entries, shared
// with the admin socket's status answer.
type (
	CheckStatus   = admin.CheckStatus
	ServiceStatus = admin.ServiceStatus
)

func newServiceState(name string) *serviceState {
	return &serviceState{name: name, reported: make(chan struct{})}
}

func (s *serviceState) update(f func(s *serviceState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *serviceState) markReported() {
	s.reportedOnce.Do(func() { close(s.reported) })
}

func (s *serviceState) snapshot() ServiceStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := ServiceStatus{
		Service: s.name, Running: s.running, Reported: "unknown", Maintenance: s.maint != nil,
		Checks: append([]CheckStatus(nil), s.checks...), ConsecutiveFailures: s.failures,
		Restarts: s.restarts, LastError: s.lastErr, Path: s.path,
	}
	if s.checksUp != nil {
		up := *s.checksUp
		st.ChecksUp = &up
	}
	st.Weight.Registered = cloneInt(s.registeredWeight)
	if m := s.maint; m != nil {
		st.MaintenanceReason, st.MaintenanceSource, st.MaintenanceExpires = m.Reason, m.Source, fmtExpiry(m.Expires)
	}
	if s.known {
		st.Reported = map[bool]string{true: "up", false: "down"}[s.reportedUp]
	}
	return st
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
