package zk

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// refresh brings the state up to date with ZooKeeper: the child list, the
// parent's data, and the data of new, changed (or, for a full refresh, all)
// children. A watch that is still armed is not re-armed; a read on it is a
// plain read. On error the caller schedules a full refresh.
func (w *ChildrenWatcher) refresh(ctx context.Context) error {
	if w.pw != nil {
		return w.refreshPersistent(ctx)
	}
	st := &w.st
	full := st.full
	if full || st.list {
		if err := w.list(); err != nil {
			return err
		}
	}
	return w.finishRefresh(ctx, full, w.readParent)
}

// finishRefresh is the end of a refresh in either watch mode: the
// parent's data when it is read and due, the children to fetch, and the
// state's dirty marks cleared.
func (w *ChildrenWatcher) finishRefresh(ctx context.Context, full bool, readParent func() error) error {
	st := &w.st
	if w.opts.ParentData && st.exists && (full || st.parent) {
		if err := readParent(); err != nil {
			return err
		}
	}
	names := w.toFetch(full)
	st.roomForNew(names)
	if err := w.fetch(ctx, names); err != nil {
		return err
	}
	st.full, st.list, st.parent = false, false, false
	clear(st.dirty)
	return nil
}

// list reads the child names. A missing znode is a valid state (no
// children); an exists watch then reports its creation.
func (w *ChildrenWatcher) list() error {
	st := &w.st
	for range 3 {
		names, err := w.children()
		if err == nil {
			st.exists = true
			st.reconcile(names)
			return nil
		}
		if !errors.Is(err, ErrNoNode) {
			return fmt.Errorf("list children: %w", err)
		}
		created, err := w.watchCreation()
		if err != nil {
			return err
		}
		if !created {
			st.exists, st.parentData = false, nil
			st.clearChildren()
			return nil
		}
		// Created between the two calls: list again.
	}
	return errors.New("list children: znode keeps vanishing and reappearing")
}

func (w *ChildrenWatcher) children() ([]string, error) {
	if armed(&w.st.childW) {
		names, _, err := w.c.Children(w.path)
		return names, err
	}
	names, _, ch, err := w.c.ChildrenW(w.path)
	if err == nil {
		w.st.childW = ch
	}
	return names, err
}

func (w *ChildrenWatcher) watchCreation() (bool, error) {
	if armed(&w.st.existW) {
		ok, _, err := w.c.Exists(w.path)
		if err != nil {
			return false, fmt.Errorf("check existence: %w", err)
		}
		return ok, nil
	}
	ok, _, ch, err := w.c.ExistsW(w.path)
	if err != nil {
		return false, fmt.Errorf("watch for creation: %w", err)
	}
	w.st.existW = ch
	return ok, nil
}

func (w *ChildrenWatcher) readParent() error {
	st := &w.st
	var data []byte
	var err error
	if armed(&st.dataW) {
		data, _, err = w.c.Get(w.path)
	} else {
		var ch <-chan Event
		if data, _, ch, err = w.c.GetW(w.path); err == nil {
			st.dataW = ch
		}
	}
	switch {
	case errors.Is(err, ErrNoNode):
		// Deleted since the listing; the child watch fires and re-lists.
		st.parentData = nil
		return nil
	case err != nil:
		return fmt.Errorf("read data: %w", err)
	}
	st.parentData = data
	return nil
}

func (w *ChildrenWatcher) toFetch(full bool) []string {
	var names []string
	if full {
		names = make([]string, 0, len(w.st.children)) // not grown by appends
	}
	for n := range w.st.children {
		if w.skipData(n) {
			continue
		}
		if full || w.st.children[n]&childFetched == 0 || w.st.dirty[n] {
			names = append(names, n)
		}
	}
	return names
}

// skipData asks opts.SkipData once per child and remembers the answer; a
// skipped child counts as fetched, with nil data and no data watch.
func (w *ChildrenWatcher) skipData(name string) bool {
	f := w.st.children[name]
	if f&childAsked == 0 {
		f |= childAsked
		if w.opts.SkipData != nil && w.opts.SkipData(name) {
			f |= childSkip | childFetched // its data stays nil
		}
		w.st.children[name] = f
	}
	return f&childSkip != 0
}

type childRead struct {
	name  string
	watch bool // arm a data watch (none armed now)
	data  []byte
	ch    <-chan Event
	err   error
}

// fetch reads children's data. A child gone between list and read (NoNode)
// is dropped, not an error: its deletion also fires the child watch.
func (w *ChildrenWatcher) fetch(ctx context.Context, names []string) error {
	reqs := make([]childRead, len(names))
	for i, n := range names {
		reqs[i] = childRead{name: n, watch: !w.st.persistent && !w.st.dataArmed(n)}
	}
	w.readAll(ctx, reqs)
	var errs []error
	for _, r := range reqs {
		switch {
		case errors.Is(r.err, ErrNoNode):
			w.log.Debug("zookeeper child vanished before it was read", "child", r.name)
			w.st.removeChild(r.name)
		case r.err != nil:
			errs = append(errs, r.err)
		default:
			w.st.setData(r.name, r.data)
			if r.watch {
				w.st.setWatch(r.name, r.ch)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d child reads failed: %w", len(errs), len(reqs), errs[0])
	}
	return nil
}

// readAll issues the reads concurrently, at most opts.Concurrency requests
// in flight, and no more than the connection's shared slots allow (see
// connReadSlots); go-zookeeper pipelines them on its one connection. Plain
// reads go in chunks where the server can (multiread.go). It returns when
// every read has.
func (w *ChildrenWatcher) readAll(ctx context.Context, reqs []childRead) {
	own, shared := make(chan struct{}, w.opts.Concurrency), sharedSlots(w.c)
	var wg sync.WaitGroup
	for _, batch := range w.batches(reqs) {
		if err := acquire(ctx, own, shared); err != nil {
			for _, r := range batch {
				r.err = err
			}
			continue
		}
		wg.Go(func() {
			defer release(own, shared)
			w.readBatch(batch)
		})
	}
	wg.Wait()
}

func (w *ChildrenWatcher) read(r *childRead) {
	p := childPath(w.path, r.name)
	switch {
	case r.watch && w.routed != nil:
		r.data, _, r.err = w.routed.getRouted(p)
	case r.watch:
		r.data, _, r.ch, r.err = w.c.GetW(p)
	default:
		r.data, _, r.err = w.c.Get(p)
	}
	if r.err != nil {
		r.err = fmt.Errorf("read %s: %w", r.name, r.err)
	}
}
