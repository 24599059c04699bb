package zk

import (
	"context"
	"errors"
	"fmt"
)

// Persistent mode: one persistent recursive watch on the watched znode
// replaces the child watch, the exists watch, the parent's data watch and
// every child's data watch. Its events name the changed znode, so a new
// child costs one read and a removed one none; nothing is re-armed. The
// watch also fires for grandchildren, which the router never hands to this
// watcher (it routes by parent path).
//
// The library re-sends the watch after a reconnect, but the server replays
// nothing that changed meanwhile, so a reconnect or new session re-adds it
// (before reading, so no change falls between) and re-reads everything.

// startPersistent resolves the watch mode for Run and subscribes to the
// watched znode's own events; it returns the unsubscribe function.
func (w *ChildrenWatcher) startPersistent() func() {
	mode := w.opts.Mode
	if mode != WatchPersistent && mode != WatchAuto {
		return func() {}
	}
	pw, ok := w.c.(persistentWatcher)
	if !ok || w.st.inbox == nil {
		if mode == WatchPersistent {
			w.log.Warn("zookeeper client cannot hold persistent watches; using one-shot watches")
		}
		return func() {}
	}
	if mode == WatchAuto && pw.persistentSupport() < 0 {
		return func() {}
	}
	w.pw, w.st.persistent = pw, true
	pw.holdRecursive(w.path)
	unsubscribe := pw.pathEvents(w.path, w.st.inbox)
	return func() {
		unsubscribe()
		pw.releaseRecursive(w.path)
	}
}

// refreshPersistent is refresh in persistent mode: plain reads only.
func (w *ChildrenWatcher) refreshPersistent(ctx context.Context) error {
	st := &w.st
	if !st.pwatched {
		err := w.pw.addRecursiveWatch(w.path)
		if errors.Is(err, errPersistentRefused) && w.opts.Mode == WatchAuto {
			w.log.Info("zookeeper refused a persistent watch; using one-shot watches")
			w.pw, st.persistent, st.full = nil, false, true
			return w.refresh(ctx)
		}
		if err != nil {
			return err
		}
		st.pwatched = true
	}
	full := st.full
	readParent := w.readParentPlain
	if full {
		withParent, err := w.listPlain()
		if err != nil {
			return err
		}
		if withParent {
			readParent = func() error { return nil }
		}
	}
	return w.finishRefresh(ctx, full, readParent)
}

// listPlain lists the children, and reads the watched znode's data along
// in the same request when ParentData wants it and the server can
// (withParent): at start-up that is one request per service fewer.
func (w *ChildrenWatcher) listPlain() (withParent bool, err error) {
	st := &w.st
	var names []string
	var data []byte
	if mr, ok := w.c.(multiReader); ok && w.opts.ParentData {
		names, data, withParent, err = mr.childrenData(w.path)
	}
	if !withParent {
		names, _, err = w.c.Children(w.path)
	}
	switch {
	case errors.Is(err, ErrNoNode):
		// The recursive watch reports the creation.
		st.exists, st.parentData = false, nil
		st.clearChildren()
		return withParent, nil
	case err != nil:
		return false, fmt.Errorf("list children: %w", err)
	}
	st.exists = true
	st.reconcile(names)
	if withParent {
		st.parentData = data
	}
	return withParent, nil
}

func (w *ChildrenWatcher) readParentPlain() error {
	data, _, err := w.c.Get(w.path)
	switch {
	case errors.Is(err, ErrNoNode):
		w.st.parentData = nil // its NodeDeleted event follows
		return nil
	case err != nil:
		return fmt.Errorf("read data: %w", err)
	}
	w.st.parentData = data
	return nil
}

// applyPersistent records what an event of the recursive watch means.
// Events deeper than the children never arrive (see the router).
func (st *watchState) applyPersistent(parent string, ev Event) {
	if ev.Path == parent {
		switch ev.Type {
		case EventNotWatching:
			st.full, st.pwatched = true, false // the session is gone
		case EventNodeCreated, EventNodeDeleted:
			st.full = true
		case EventNodeDataChanged:
			st.parent = true
		}
		return
	}
	name, ok := childOf(parent, ev.Path)
	if !ok {
		return
	}
	switch ev.Type {
	case EventNodeCreated, EventNodeDataChanged:
		st.addChild(name)
		st.exists = true
		st.dirty[name] = true
	case EventNodeDeleted:
		if st.has(name) {
			st.removeChild(name)
			st.deleted = true
		}
	}
}
