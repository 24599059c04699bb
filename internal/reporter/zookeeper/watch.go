package zookeeper

import (
	"context"
	"errors"

	"github.com/smartstack-go/smartstack/internal/zk"
)

// nodeWatch is a data watch on the registered node. While it has not
// fired and no session event came since it was set, the node is known to
// be as the last look saw it, so Ping asks nothing: a steady nerve sends
// ZooKeeper no request per round, where the original sends an `exists` per
// service per round. A delete, a data change (ours included) or the end of
// the session fires it and wakes the worker, whose round then looks again.
type nodeWatch struct {
	node  string
	fired bool
}

// watched tells whether node is covered by a live watch set since the last
// session event. Called with node = r.node.
func (r *Reporter) watched(node string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.watch
	return w != nil && w.node == node && !w.fired && r.lookedGen == r.sessGen
}

// sessionChanged makes the next Ping ask the server: after a reconnect or a
// new session the watch may have been lost with the connection.
func (r *Reporter) sessionChanged() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessGen++
}

// look reads node's stat, setting a watch on it unless a live one is
// there. A missing node sets no watch (a data watch needs the node), so a
// vanished registration leaves nothing behind in the client.
func (r *Reporter) look(ctx context.Context, c zk.Client, node string) (bool, *zk.Stat, error) {
	r.mu.Lock()
	gen, live := r.sessGen, r.watch != nil && r.watch.node == node && !r.watch.fired
	r.mu.Unlock()
	if live {
		ok, st, err := exists(ctx, c, node)
		if err == nil {
			r.looked(gen)
		}
		return ok, st, err
	}
	st, ch, err := getW(ctx, c, node)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		r.looked(gen)
		return false, nil, nil
	case err != nil:
		return false, nil, err
	}
	r.follow(node, ch)
	r.looked(gen)
	return true, st, nil
}

func (r *Reporter) looked(gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lookedGen = gen
}

// follow waits for ch's one event on a goroutine that Stop ends.
func (r *Reporter) follow(node string, ch <-chan zk.Event) {
	w := &nodeWatch{node: node}
	r.mu.Lock()
	r.watch = w
	r.mu.Unlock()
	stop := r.watchStop
	r.watchWG.Add(1)
	go func() {
		defer r.watchWG.Done()
		select {
		case <-ch:
		case <-stop:
			return
		}
		r.mu.Lock()
		w.fired = true
		r.mu.Unlock()
		r.nudge()
	}()
}

// nudge wakes the worker for a round; a wake already pending covers it.
func (r *Reporter) nudge() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// stopWatches ends the goroutines of every watch this reporter set.
func (r *Reporter) stopWatches() {
	if r.watchStop != nil {
		close(r.watchStop)
		r.watchWG.Wait()
		r.watchStop = nil
	}
	r.mu.Lock()
	r.watch = nil
	r.mu.Unlock()
}

type getWResult struct {
	st *zk.Stat
	ch <-chan zk.Event
}

func getW(ctx context.Context, c zk.Client, path string) (*zk.Stat, <-chan zk.Event, error) {
	r, err := call(ctx, func() (getWResult, error) {
		_, st, ch, err := c.GetW(path)
		return getWResult{st, ch}, err
	}, nil)
	return r.st, r.ch, err
}
