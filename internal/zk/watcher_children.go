package zk

import (
	"bytes"
	"maps"
)

// The children a watcher knows: their flags in watchState.children, their
// data in watchState.data (see there), both changed only through these.

// childFlags is what a watcher knows of a child besides its data: a
// word in the map of children rather than a record of its own for each
// (50,000 of them at synapse's scale). The low byte holds the flags below;
// with WatchOptions.ReleaseData the rest holds the child's data mark (see
// watcher_release.go), at no cost: a map slot of a string and a word is no
// larger than one of a string and a byte.
type childFlags uint64

const flagBits childFlags = 0xff

const (
	childFetched childFlags = 1 << iota
	childAsked              // WatchOptions.SkipData was consulted
	childSkip               // its answer
	childArmed              // it has an armed data watch (inbox)
)

// ownData makes st.data safe to change: a copy if it was delivered.
func (st *watchState) ownData() {
	if st.dataShared {
		st.data, st.dataShared = maps.Clone(st.data), false
	}
}

// addChild adds name, not yet read, unless it is there.
func (st *watchState) addChild(name string) {
	if st.has(name) {
		return
	}
	st.children[name] = 0
	if st.release {
		st.changed = true
		return
	}
	st.ownData()
	st.data[name] = nil
}

func (st *watchState) has(name string) bool {
	_, ok := st.children[name]
	return ok
}

// removeChild forgets name and any refresh work for it.
func (st *watchState) removeChild(name string) {
	if !st.has(name) {
		return
	}
	delete(st.children, name)
	delete(st.watches, name)
	delete(st.dirty, name)
	if st.release {
		delete(st.fresh, name)
		st.changed = true
		return
	}
	st.ownData()
	delete(st.data, name)
}

// clearChildren forgets every child (the znode is gone).
func (st *watchState) clearChildren() {
	clear(st.children)
	clear(st.watches)
	clear(st.dirty)
	if st.release {
		st.fresh, st.changed = nil, true
		return
	}
	if st.dataShared {
		st.data, st.dataShared = map[string][]byte{}, false
		return
	}
	clear(st.data)
}

// setData records a child's data as read.
func (st *watchState) setData(name string, data []byte) {
	if st.release {
		st.setReleased(name, data)
		return
	}
	st.children[name] |= childFetched
	if old, ok := st.data[name]; ok && bytes.Equal(old, data) && (old == nil) == (data == nil) {
		return // unchanged: keep the delivered map
	}
	st.ownData()
	st.data[name] = data
}
