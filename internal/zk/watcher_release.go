package zk

import (
	"bytes"
	"hash/fnv"
)

// With WatchOptions.ReleaseData the watcher keeps no child's data once it
// is delivered: at synapse's scale every registration's bytes would stay
// alive beside the records decoded from them. What it keeps of each child
// is a dataMark, enough to tell a re-read that changed nothing (after a
// reconnect, a resync, or a watch firing for a write of the same bytes).

// dataMark is what ReleaseData keeps of a child's data as read.
type dataMark struct {
	sum  uint64 // FNV-1a of the data
	size uint32 // guides multiRead's chunking
}

func markOf(data []byte) dataMark {
	h := fnv.New64a()
	h.Write(data)
	return dataMark{sum: h.Sum64(), size: uint32(min(len(data), 1<<31))}
}

// setReleased records a child's data as read: kept until the next
// snapshot only if it differs from what was read before.
func (st *watchState) setReleased(name string, data []byte) {
	m := markOf(data)
	if old, ok := st.marks[name]; ok && old == m {
		return
	}
	st.marks[name] = m
	if data == nil {
		data = []byte{} // nil means "unchanged" in a released snapshot
	}
	st.fresh[name] = data
	st.changed = true
}

// releasedSnapshot names every child, with the data read since the
// previous snapshot where it changed, nil for the rest; it hands the data
// over, keeping none.
func (st *watchState) releasedSnapshot(path string) Snapshot {
	m := make(map[string][]byte, len(st.children))
	for n := range st.children {
		m[n] = st.fresh[n]
	}
	clear(st.fresh)
	st.changed = false
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
			w.st.fresh[n] = d
			w.st.changed = true
		}
	}
}
