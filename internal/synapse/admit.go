package synapse

import (
	"errors"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// admit drops the backends whose values could not be used as data
// (registration.Backend.Validate): this is the one place every watcher's
// snapshot passes, so no generator, file or template sees them. A
// rejected registration is logged and counted once, when it first
// appears, not on every snapshot that still carries it. The usual
// all-valid set is returned as is, without a copy.
func (s *ServiceState) admit(discovered []registration.Backend) []registration.Backend {
	first := -1
	for i := range discovered {
		if discovered[i].Validate() != nil {
			first = i
			break
		}
	}
	if first < 0 {
		s.rejected = nil
		return discovered
	}
	out := make([]registration.Backend, first, len(discovered)-1)
	copy(out, discovered[:first])
	seen := map[string]bool{}
	for _, b := range discovered[first:] {
		err := b.Validate()
		if err == nil {
			out = append(out, b)
			continue
		}
		key := backendKey(b)
		seen[key] = true
		if !s.rejected[key] {
			s.reportRejected(err)
		}
	}
	s.rejected = seen
	return out
}

func (s *ServiceState) reportRejected(err error) {
	reason := "invalid"
	var ie *registration.InvalidError
	if errors.As(err, &ie) {
		reason = ie.Field()
	}
	s.log.Warn("skipping invalid registration", "reason", reason, "err", err)
	if s.onReject != nil {
		s.onReject(reason)
	}
}
