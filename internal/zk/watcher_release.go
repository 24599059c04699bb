package zk

import (
	"bytes"
	"hash/fnv"
)

// With WatchOptions.ReleaseData the watcher keeps no child's data once it
// is delivered: at synapse's scale every registration's bytes would stay
// alive beside the records decoded from them. What it keeps of each child
// is a 56-bit mark of its data, enough to tell a re-read that changed
// nothing (after a reconnect, a resync, or a write of the same bytes).

// dataMark is what ReleaseData keeps of a child's data as read: 56 bits
// of its FNV-1a, in the bits of childFlags above the flags.
func dataMark(data []byte) childFlags {
	h := fnv.New64a()
	h.Write(data)
	return childFlags(h.Sum64()) &^ flagBits
}

// setReleased records a child's data as read: kept until the next
// snapshot only if it differs from what was read before.
func (st *watchState) setReleased(name string, data []byte) {
	f, m := st.children[name], dataMark(data)
	if f&childFetched != 0 && f&^flagBits == m {
		return
	}
	st.children[name] = f&flagBits | childFetched | m
	if data == nil {
		data = []byte{} // nil means "unchanged" in a released snapshot
	}
	st.keep(name, data)
}

// keep holds data for the next snapshot; fresh is nil between snapshots
// rather than cleared, which would keep its room for every child.
func (st *watchState) keep(name string, data []byte) {
	if st.fresh == nil {
		st.fresh = map[string][]byte{}
	}
	st.fresh[name] = data
	st.changed = true
}

// roomForNew sizes fresh for the children about to be read for the first
// time, whose data is kept whatever it is: a service's first read keeps
// all of them, and growing the map entry by entry was 5 MB of garbage at
// a start-up with 50,000 children. Re-reads (a resync, a reconnect) keep
// only what changed, usually nothing, and make no room.
func (st *watchState) roomForNew(names []string) {
	if !st.release || st.fresh != nil {
		return
	}
	n := 0
	for _, name := range names {
		if st.children[name]&childFetched == 0 {
			n++
		}
	}
	if n > 1 {
		st.fresh = make(map[string][]byte, n)
	}
}

// releasedSnapshot names every child, with the data read since the
// previous snapshot where it changed, nil for the rest; it hands the data
// over, keeping none.
func (st *watchState) releasedSnapshot(path string) Snapshot {
	m := make(map[string][]byte, len(st.children))
	for n := range st.children {
		m[n] = st.fresh[n]
	}
	st.fresh, st.changed = nil, false
	return Snapshot{Path: path, Exists: st.exists, Children: m, ParentData: st.parentData}
}

// succeedReleased is succeed with ReleaseData: the last good state kept
// for error snapshots holds no children (see WatchOptions.ReleaseData).
func (w *ChildrenWatcher) succeedReleased() {
	st := &w.st
	changed := !w.haveGood || w.lastErr != nil || st.changed || st.exists != w.good.Exists ||
		!bytes.Equal(st.parentData, w.good.ParentData)
	if w.lastErr != nil {
		w.log.Info("zookeeper watch recovered", "children", len(st.children))
	}
	w.good = Snapshot{Path: w.path, Exists: st.exists, Children: map[string][]byte{}, ParentData: st.parentData}
	w.haveGood, w.lastErr = true, nil
	if changed {
		w.deliver(st.releasedSnapshot(w.path))
	}
}

// keepFresh saves the data of old, a released snapshot replaced before it
// was taken, so that it still reaches the consumer: into s if s is good,
// else back into the state for the next good snapshot. Newer data wins.
func (w *ChildrenWatcher) keepFresh(old, s Snapshot) {
	for n, d := range old.Children {
		if d == nil {
			continue
		}
		if s.Err == nil {
			if cur, ok := s.Children[n]; ok && cur == nil {
				s.Children[n] = d
			}
			continue
		}
		if _, ok := w.st.fresh[n]; !ok && w.st.has(n) {
			w.st.keep(n, d)
		}
	}
}
