package zookeeper

import (
	"bytes"
	"context"
	"errors"
	"slices"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// data is the payload; the TTL refresher reads it from its own goroutine.
func (r *Reporter) data() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.svc.Payload
}

// written records that data was written to the known node, giving version
// ver.
func (r *Reporter) written(data []byte, ver int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wrote, r.ver, r.intact = data, ver, false
}

// checked records what Ping found: whether node still holds our last
// write.
func (r *Reporter) checked(node string, st *zk.Stat) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.intact = r.node == node && r.wrote != nil && st != nil && st.Version == r.ver
}

// unchanged tells whether the known node, as the last Ping saw it, already
// holds data: the ReportUp that follows a reconnect then sends nothing.
func (r *Reporter) unchanged(data []byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.node != "" && r.intact && bytes.Equal(r.wrote, data)
}

// SetPayload implements reporter.Updater. The registration is rewritten
// with a set on the same znode, so synapse sees a data change of the same
// child and HAProxy keeps the server (its weight changes, its connections
// stay). With use_path_encoding the payload is the child's name, which
// readers decode instead of the data, so the node is replaced
// make-before-break: the new one is created before the old one goes.
func (r *Reporter) SetPayload(ctx context.Context, payload []byte) error {
	r.mu.Lock()
	r.svc.Payload = slices.Clone(payload)
	r.mu.Unlock()
	if r.cfg.UsePathEncoding {
		r.prefix = registration.PrefixPath(r.cfg.ZKPath, registration.ChildPrefix(r.svc.InstanceID, payload, true))
	}
	node, _ := r.current()
	if node == "" {
		return nil // the next ReportUp registers the new payload
	}
	c, err := r.client()
	if err != nil {
		return err
	}
	if r.cfg.UsePathEncoding {
		return r.replace(ctx, node)
	}
	err = r.save(ctx, c, node)
	if errors.Is(err, errStale) {
		r.forget(node)
		return r.create(ctx, c)
	}
	if err == nil {
		r.log.Info("rewrote ZK node data in place", "path", node)
	}
	return err
}

// replace creates the node of the new name, then deletes the old one.
func (r *Reporter) replace(ctx context.Context, old string) error {
	c, err := r.client()
	if err != nil {
		return err
	}
	r.mu.Lock()
	owner, mine := r.owner, r.mine
	r.mu.Unlock()
	r.forget(old)
	if err := r.create(ctx, c); err != nil {
		r.mu.Lock()
		if r.node == "" { // keep tracking the old node so it is not orphaned
			r.node, r.owner, r.mine = old, owner, mine
		}
		r.mu.Unlock()
		return err
	}
	if err := deleteNode(ctx, c, old, -1); err != nil && !errors.Is(err, zk.ErrNoNode) {
		return wrap("delete replaced", old, err)
	}
	r.log.Info("replaced path-encoded ZK node", "old", old, "new", r.Node())
	return nil
}
