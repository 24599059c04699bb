package zk

import (
	"sync"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// HeldListing is a Conn whose child listings wait while held, so a test
// can tell what a watcher delivers before it re-lists. Embedding the
// *Conn keeps the watch routing (its unexported methods) in use.
type HeldListing struct {
	*Conn
	gate chan chan struct{}
}

// NewHeldListing wraps c with listings not held.
func NewHeldListing(c *Conn) *HeldListing {
	h := &HeldListing{Conn: c, gate: make(chan chan struct{}, 1)}
	h.gate <- nil
	return h
}

// Hold makes listings wait until the returned func is first called.
func (h *HeldListing) Hold() (release func()) {
	ch := make(chan struct{})
	<-h.gate
	h.gate <- ch
	return sync.OnceFunc(func() {
		<-h.gate
		close(ch)
		h.gate <- nil
	})
}

func (h *HeldListing) wait() {
	ch := <-h.gate
	h.gate <- ch
	if ch != nil {
		<-ch
	}
}

func (h *HeldListing) Children(path string) ([]string, *Stat, error) {
	h.wait()
	return h.Conn.Children(path)
}

func (h *HeldListing) ChildrenW(path string) ([]string, *Stat, <-chan Event, error) {
	h.wait()
	return h.Conn.ChildrenW(path)
}

// NoRestore is a Conn whose watchers take every reconnect for a lost
// session and re-read in full, as they did before the library re-sent
// their data watches: the baseline a test compares with.
type NoRestore struct{ *Conn }

func (NoRestore) restoresWatches() bool { return false }

// NoMultiRead is a Conn that reads children one request each, as before
// multiRead: the baseline a test compares with.
type NoMultiRead struct{ *Conn }

func (NoMultiRead) canReadMany() bool { return false }

func (NoMultiRead) readMany([]string) ([]gozk.ReadResult, bool, error) { return nil, false, nil }

func (NoMultiRead) childrenData(string) ([]string, []byte, bool, error) { return nil, nil, false, nil }
