package zk

import (
	"context"
	"fmt"
	"reflect"
)

// watchState is what a ChildrenWatcher knows and which one-shot watches it
// holds. A nil channel means "no watch armed"; a channel that fired is set to
// nil as soon as its event is taken. Holding at most one armed channel per
// znode matters: every W call adds a channel in the library that only a
// firing event removes, so re-arming an armed watch would pile them up.
type watchState struct {
	exists     bool
	parentData []byte
	children   map[string]childFlags
	// watches holds the armed data watch of each child that has one,
	// when the Client does not route them (inbox nil): only then is there
	// a channel per child to keep.
	watches map[string]<-chan Event
	// data maps every child in children to its data (nil until read, and
	// for skipped children). It is the map delivered as
	// Snapshot.Children: once delivered (shared), the next change works
	// on a copy, so a delivered map never changes and the watcher does
	// not hold a second map of every child's data beside it.
	data       map[string][]byte
	dataShared bool
	// With WatchOptions.ReleaseData (release), data stays empty: children
	// holds a mark of what was read of each child, fresh the data that
	// changed since the last snapshot, changed whether the children did
	// (see watcher_release.go).
	release bool
	fresh   map[string][]byte
	changed bool

	childW, dataW, existW <-chan Event
	// inbox carries the children's data watch events when the Client
	// routes them (a Conn, see router); nil otherwise, and each child's
	// own channel is selected on instead.
	inbox *inbox

	// Work the next refresh must do.
	full, list, parent bool
	dirty              map[string]bool
	// deleted is set when a child's data watch reported its deletion:
	// that is known before the re-listing the refresh does (see
	// ChildrenWatcher.deliverDeletions).
	deleted bool

	// persistent: one recursive watch instead of the above (see
	// watcher_persistent.go); pwatched: it is set on this connection.
	persistent, pwatched bool
}

// dataArmed reports whether name has a data watch that has not fired.
func (st *watchState) dataArmed(name string) bool {
	if st.inbox != nil {
		return st.children[name]&childArmed != 0
	}
	ch := st.watches[name]
	if armed(&ch) {
		return true
	}
	delete(st.watches, name)
	return false
}

// disarmRouted forgets the routed data watches after a reconnect or a new
// session: the library re-arms only the watches it keeps channels for, so
// the full refresh that follows must arm these again.
func (st *watchState) disarmRouted() {
	st.pwatched = false
	if st.inbox == nil {
		return
	}
	for n, f := range st.children {
		st.children[n] = f &^ childArmed
	}
}

// setWatch records the data watch a read of name armed.
func (st *watchState) setWatch(name string, ch <-chan Event) {
	if st.inbox != nil {
		st.children[name] |= childArmed // the event comes through the inbox
		return
	}
	st.watches[name] = ch
}

func newWatchState(release bool) watchState {
	st := watchState{
		children: map[string]childFlags{}, watches: map[string]<-chan Event{},
		data: map[string][]byte{}, dirty: map[string]bool{}, full: true,
	}
	if release {
		st.release = true
	}
	return st
}

func (st *watchState) pending() bool {
	return st.full || st.list || st.parent || st.deleted || len(st.dirty) > 0
}

// armed reports whether *ch is a watch that has not fired. A fired one is
// consumed and cleared: the caller is about to re-read and re-arm anyway.
func armed(ch *<-chan Event) bool {
	if *ch == nil {
		return false
	}
	select {
	case <-*ch:
		*ch = nil
		return false
	default:
		return true
	}
}

// reconcile makes the child set equal names; new children await a fetch.
func (st *watchState) reconcile(names []string) {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		seen[n] = true
		st.addChild(n)
	}
	for n := range st.children {
		if !seen[n] {
			st.removeChild(n)
		}
	}
}

// snapshot returns the state, sharing st.data (see there).
func (st *watchState) snapshot(path string) Snapshot {
	st.dataShared = true
	return Snapshot{Path: path, Exists: st.exists, Children: st.data, ParentData: st.parentData}
}

type refKind int

const (
	refCtx refKind = iota
	refSession
	refResync
	refRetry
	refChildren
	refData
	refExists
	refChild
	refInbox
	refWake
)

type watchRef struct {
	kind refKind
	name string // refChild only
}

// apply records what a fired watch means for the next refresh.
func (st *watchState) apply(ref watchRef, ev Event) {
	if ev.Type == EventNotWatching {
		st.full = true // session expired or closing: every watch is gone
	}
	switch ref.kind {
	case refChildren:
		st.childW, st.list = nil, true
	case refData:
		st.dataW, st.parent = nil, true
		if ev.Type == EventNodeDeleted {
			st.list = true
		}
	case refExists:
		st.existW, st.full = nil, true
	case refChild:
		f, ok := st.children[ref.name]
		if !ok {
			return
		}
		st.children[ref.name] = f &^ childArmed
		delete(st.watches, ref.name)
		switch ev.Type {
		case EventNodeDeleted:
			st.removeChild(ref.name)
			st.list, st.deleted = true, true
		case EventNodeDataChanged:
			st.dirty[ref.name] = true
		}
	}
}

// collectFired takes every watch event already waiting, so one refresh
// handles a burst of them.
func (st *watchState) collectFired(path string) {
	take := func(ch <-chan Event, ref watchRef) {
		if ch == nil {
			return
		}
		select {
		case ev, ok := <-ch:
			if !ok {
				ev = Event{Type: EventNotWatching}
			}
			st.apply(ref, ev)
		default:
		}
	}
	take(st.childW, watchRef{kind: refChildren})
	take(st.dataW, watchRef{kind: refData})
	take(st.existW, watchRef{kind: refExists})
	for n, ch := range st.watches {
		take(ch, watchRef{kind: refChild, name: n})
	}
	st.applyInbox(path)
}

// applyInbox applies the routed events waiting in the inbox. Only what a
// data watch reports counts: the router also passes on other watchers'
// events for the same paths.
func (st *watchState) applyInbox(parent string) {
	if st.inbox == nil {
		return
	}
	for _, ev := range st.inbox.take() {
		if st.persistent {
			st.applyPersistent(parent, ev)
			continue
		}
		name, ok := childOf(parent, ev.Path)
		if !ok {
			continue
		}
		switch ev.Type {
		case EventNodeDataChanged, EventNodeDeleted, EventNotWatching:
			st.apply(watchRef{kind: refChild, name: name}, ev)
		}
	}
}

// waitAndApply blocks until something happens and records it. done reports
// that Run must return err.
func (w *ChildrenWatcher) waitAndApply(ctx context.Context, lp *loop) (done bool, err error) {
	if w.st.inbox != nil && lp.sessions == nil {
		return w.waitRouted(ctx, lp)
	}
	cases, refs := w.st.selectCases(ctx, lp, w.wake())
	i, v, ok := reflect.Select(cases)
	switch refs[i].kind {
	case refCtx:
		return true, nil
	case refSession:
		if !ok {
			return w.sessionsEnded(ctx)
		}
		w.onSession(v.Interface().(SessionEvent).State, lp)
	case refResync:
		w.resyncDue(lp)
	case refRetry:
		lp.retryDue()
	case refWake:
		w.consumer.Woken()
	case refInbox:
		if w.takeInboxSessions(lp) {
			return w.sessionsEnded(ctx)
		}
	default:
		ev := Event{Type: EventNotWatching}
		if ok {
			ev = v.Interface().(Event)
		}
		w.st.apply(refs[i], ev)
	}
	w.st.collectFired(w.path)
	return false, nil
}

// sessionsEnded is Run's end when the session stream ends: the Conn
// closed, or ctx ended first.
func (w *ChildrenWatcher) sessionsEnded(ctx context.Context) (bool, error) {
	if ctx.Err() != nil {
		return true, nil
	}
	return true, fmt.Errorf("zk watch %s: session stream closed: %w", w.path, ErrClosing)
}

// onSession handles a session state change: a reconnect or a new
// session may have lost events (onReconnect decides whether to re-read).
func (w *ChildrenWatcher) onSession(s SessionState, lp *loop) {
	if s == SessionReconnected || s == SessionNew {
		w.onReconnect(lp, s)
	}
}

func (st *watchState) selectCases(ctx context.Context, lp *loop, wake <-chan struct{}) ([]reflect.SelectCase, []watchRef) {
	n := 9 // the fixed cases below, at most
	if st.inbox == nil {
		n += len(st.watches)
	}
	cases := make([]reflect.SelectCase, 0, n)
	refs := make([]watchRef, 0, cap(cases))
	add := func(ch any, ref watchRef) {
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)})
		refs = append(refs, ref)
	}
	add(ctx.Done(), watchRef{kind: refCtx})
	add(lp.sessions, watchRef{kind: refSession}) // nil blocks forever, as wanted
	add(lp.resync, watchRef{kind: refResync})
	add(lp.retry, watchRef{kind: refRetry})
	add(wake, watchRef{kind: refWake})
	for _, w := range []struct {
		ch   <-chan Event
		kind refKind
	}{{st.childW, refChildren}, {st.dataW, refData}, {st.existW, refExists}} {
		if w.ch != nil {
			add(w.ch, watchRef{kind: w.kind})
		}
	}
	if st.inbox != nil {
		add(st.inbox.wake, watchRef{kind: refInbox})
	}
	for n, ch := range st.watches {
		add(ch, watchRef{kind: refChild, name: n})
	}
	return cases, refs
}
