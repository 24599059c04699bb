package zk

import "context"

// Consumer takes a ChildrenWatcher's snapshots in Run's own goroutine
// (RunInto), instead of through Updates: a consumer that only decodes and
// forwards them then needs no goroutine of its own, which at one watcher per
// service (synapse, 1,000 services) is 1,000 goroutines and their stacks.
type Consumer interface {
	// Take receives every snapshot, in order, with Updates' contract (a
	// released snapshot's data is handed over). Run waits while it runs:
	// the watch events that arrive meanwhile queue and are handled after,
	// together.
	Take(s Snapshot)
	// Wake is selected on by Run beside its own events (nil: never); when
	// a value arrives, Run calls Woken. It lets the consumer act later in
	// Run's goroutine, e.g. send what a rate limit held back.
	Wake() <-chan struct{}
	Woken()
}

// RunInto is Run delivering to c instead of Updates (which then closes
// without a value when RunInto returns).
func (w *ChildrenWatcher) RunInto(ctx context.Context, c Consumer) error {
	w.consumer = c
	return w.Run(ctx)
}

// wake is the consumer's wake channel, nil without a consumer.
func (w *ChildrenWatcher) wake() <-chan struct{} {
	if w.consumer == nil {
		return nil
	}
	return w.consumer.Wake()
}
