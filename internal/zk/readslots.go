package zk

import "context"

// connReadSlots bounds the child reads in flight on one Conn, across all of
// its ChildrenWatchers. go-zookeeper pipelines requests on its single
// socket and the server answers them in order, so a few hundred in flight
// already keep the pipe full; every read in flight beyond that is only a
// parked goroutine with its stack. Without this bound, synapse with 1,000
// services on one pooled connection started 32,000 of them at once (over
// 100 MB of stacks) when it read 50,000 registrations at start-up.
const connReadSlots = 256

// slotted is a Client that bounds reads across its users (Conn does).
type slotted interface{ readSlots() chan struct{} }

func (c *Conn) readSlots() chan struct{} { return c.reads }

// sharedSlots returns c's connection-wide read slots, nil when c has none
// (a fake in tests).
func sharedSlots(c Client) chan struct{} {
	if s, ok := c.(slotted); ok {
		return s.readSlots()
	}
	return nil
}

// acquire takes a slot of own and then one of shared (when not nil); it
// gives up, holding nothing, when ctx ends first.
func acquire(ctx context.Context, own, shared chan struct{}) error {
	select {
	case own <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if shared == nil {
		return nil
	}
	select {
	case shared <- struct{}{}:
		return nil
	case <-ctx.Done():
		<-own
		return ctx.Err()
	}
}

// release returns the slots acquire took.
func release(own, shared chan struct{}) {
	if shared != nil {
		<-shared
	}
	<-own
}
