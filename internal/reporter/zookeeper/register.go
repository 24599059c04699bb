package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// errStale: the known node is gone or belongs to an ended session (it is
// about to be deleted by the server), so a new one must be created.
var errStale = errors.New("zk node gone or owned by an ended session")

// ReportUp makes the node exist with the payload: nothing when the Ping
// before it found the node holding our last write (the round after a
// reconnect: a blip must not become a write per node on a recovering
// ensemble, nor a data event for every synapse), a `set` on the known node
// (so a reconnect does not flap the registration), else a new node.
func (r *Reporter) ReportUp(ctx context.Context) error {
	c, err := r.client()
	if err != nil {
		return err
	}
	if r.unchanged(r.data()) {
		return nil
	}
	if node, _ := r.current(); node != "" {
		err := r.save(ctx, c, node)
		if !errors.Is(err, errStale) {
			return err
		}
		r.forget(node)
	}
	return r.create(ctx, c)
}

func (r *Reporter) save(ctx context.Context, c zk.Client, node string) error {
	start := time.Now()
	data := r.data()
	st, err := setData(ctx, c, node, data)
	r.m.observe("save", start, err)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return errStale
	case err != nil:
		return wrap("set", node, err)
	case r.stale(c, st):
		return errStale
	}
	r.written(data, st.Version)
	return nil
}

// create makes a new node. The original checks zk_path first on every
// create; creating first and making the parents only on NoNode saves a
// round trip in the common case.
func (r *Reporter) create(ctx context.Context, c zk.Client) error {
	start := time.Now()
	data := r.data()
	node, err := createNode(ctx, c, r.prefix, data, r.flags, r.acl)
	if errors.Is(err, zk.ErrNoNode) {
		if err := ensurePath(ctx, c, r.cfg.parent(), r.acl); err != nil {
			r.m.observe("create", start, err)
			return wrap("create parents of", r.prefix, err)
		}
		node, err = createNode(ctx, c, r.prefix, data, r.flags, r.acl)
	}
	if errors.Is(err, zk.ErrNodeExists) && r.flags&zk.FlagSequence == 0 {
		r.m.observe("create", start, nil)
		return r.adopt(ctx, c)
	}
	r.m.observe("create", start, err)
	if err != nil {
		return wrap("create", r.prefix, err)
	}
	var owner int64
	if r.flags&zk.FlagEphemeral != 0 {
		// Read after the create: a create queued across an expiry runs in
		// the new session, and the id read before it would disown the node.
		owner = c.SessionID()
	}
	r.remember(c, node, owner)
	r.written(data, 0)
	r.m.childBytes(len(data))
	r.log.Info("wrote new ZK node", "node_type", r.cfg.nodeType(), "path", node)
	return nil
}

// adopt takes over an existing node of the fixed name of a non-sequential
// type, writing our payload to it, as airbnb nerve does.
func (r *Reporter) adopt(ctx context.Context, c zk.Client) error {
	start := time.Now()
	data := r.data()
	st, err := setData(ctx, c, r.prefix, data)
	r.m.observe("save", start, err)
	if err != nil {
		return wrap("set existing", r.prefix, err)
	}
	r.remember(c, r.prefix, st.EphemeralOwner)
	r.written(data, st.Version)
	r.log.Info("adopted existing ZK node", "node_type", r.cfg.nodeType(), "path", r.prefix)
	return nil
}

// ReportDown deletes the known node; one already gone is fine. While
// disconnected the node is kept, so a later ReportDown or Stop can delete it.
func (r *Reporter) ReportDown(ctx context.Context) error {
	node, _ := r.current()
	if node == "" {
		return nil
	}
	c, err := r.client()
	if err != nil {
		return err
	}
	start := time.Now()
	err = deleteNode(ctx, c, node, -1)
	if errors.Is(err, zk.ErrNoNode) {
		err = nil
	}
	r.m.observe("delete", start, err)
	if err != nil {
		return wrap("delete", node, err)
	}
	r.forget(node)
	r.log.Info("deleted ZK node", "path", node)
	return nil
}

// Ping checks the session and that the known node still exists. The
// session's state answers for the connection (the client library
// heartbeats it), and a live watch on the node (see nodeWatch) answers for
// the node, so a steady round sends nothing; the server is asked only
// after the watch fired or a session event. A vanished node, or one left
// by an expired session, is forgotten and reported as ErrGone so the
// worker registers again in the same round; the original failed every
// round until ten failures relaunched the watcher.
func (r *Reporter) Ping(ctx context.Context) error {
	c, err := r.client()
	if err != nil {
		return err
	}
	node, _ := r.current()
	if node == "" || r.watched(node) {
		return nil
	}
	r.checked(node, nil) // until this look says otherwise
	ok, st, err := r.look(ctx, c, node)
	if err != nil {
		return wrap("exists", node, err)
	}
	if !ok || r.stale(c, st) {
		r.forget(node)
		r.log.Warn("ZK node vanished; registering again", "path", node, "exists", ok)
		return fmt.Errorf("zookeeper node %s: %w", node, reporter.ErrGone)
	}
	r.checked(node, st)
	return nil
}

// touch is one ttl_seconds refresh: rewrite the data to bump mtime. Every
// failure is logged and swallowed; the next period tries again.
func (r *Reporter) touch(ctx context.Context) {
	node, _ := r.current()
	if node == "" {
		return
	}
	c, err := r.client()
	if err != nil {
		r.m.ttlRenewal("connection_error")
		r.log.Warn("ZK node ttl refresh skipped", "path", node, "err", err)
		return
	}
	start := time.Now()
	_, err = setData(ctx, c, node, r.data())
	r.m.observe("save", start, err)
	switch {
	case err == nil:
		r.m.ttlRenewal("success")
		r.log.Debug("refreshed ZK node ttl", "path", node)
	case errors.Is(err, zk.ErrNoNode):
		r.m.ttlRenewal("no_node")
		r.log.Info("ZK node ttl refresh: node is gone", "path", node)
	case isConnErr(err):
		r.m.ttlRenewal("connection_error")
		r.log.Warn("ZK node ttl refresh failed", "path", node, "err", err)
	default:
		r.m.ttlRenewal("error")
		r.log.Error("ZK node ttl refresh failed", "path", node, "err", err)
	}
}
