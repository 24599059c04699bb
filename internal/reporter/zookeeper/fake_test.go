package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/zk"
)

// fakeZK is an in-memory zk.Client: enough of ZooKeeper's semantics
// (parents, sequence suffixes, ephemeral owners, versions) for the
// reporter's decisions, plus a call log and error injection.
type fakeZK struct {
	mu    sync.Mutex
	state zk.State
	sid   int64
	nodes map[string]*fakeNode
	seq   int
	calls []string
	fail  map[string]error         // op -> error returned by every call of op
	block map[string]chan struct{} // op -> call waits until closed
	subs  map[chan zk.SessionEvent]struct{}
	// watches are the data watches set by GetW, fired (and dropped) by a
	// set or delete of their node, or by expire and put.
	watches map[string][]chan zk.Event
	closed  bool
}

type fakeNode struct {
	data    []byte
	owner   int64
	version int32
}

func newFakeZK() *fakeZK {
	return &fakeZK{
		state: gozk.StateHasSession, sid: 0x100,
		nodes: map[string]*fakeNode{"/": {}},
		fail:  map[string]error{}, block: map[string]chan struct{}{},
		subs: map[chan zk.SessionEvent]struct{}{}, watches: map[string][]chan zk.Event{},
	}
}

// fireLocked delivers t to path's watches, as the server does once.
func (f *fakeZK) fireLocked(path string, t gozk.EventType) {
	for _, ch := range f.watches[path] {
		ch <- zk.Event{Type: t, Path: path}
	}
	delete(f.watches, path)
}

// enter logs the call and applies injected blocking and errors.
func (f *fakeZK) enter(op, path string) error {
	f.mu.Lock()
	f.calls = append(f.calls, op+" "+path)
	b := f.block[op]
	f.mu.Unlock()
	if b != nil {
		<-b
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fail[op]
}

func (f *fakeZK) Create(path string, data []byte, flags int32, _ []zk.ACL) (string, error) {
	if err := f.enter("create", path); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	parent := path[:strings.LastIndex(path, "/")]
	if parent == "" {
		parent = "/"
	}
	if f.nodes[parent] == nil {
		return "", zk.ErrNoNode
	}
	if flags&zk.FlagSequence != 0 {
		path = fmt.Sprintf("%s%010d", path, f.seq)
		f.seq++
	}
	if f.nodes[path] != nil {
		return "", zk.ErrNodeExists
	}
	n := &fakeNode{data: append([]byte(nil), data...)}
	if flags&zk.FlagEphemeral != 0 {
		n.owner = f.sid
	}
	f.nodes[path] = n
	return path, nil
}

func (f *fakeZK) Set(path string, data []byte, _ int32) (*zk.Stat, error) {
	if err := f.enter("set", path); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.nodes[path]
	if n == nil {
		return nil, zk.ErrNoNode
	}
	n.data = append([]byte(nil), data...)
	n.version++
	f.fireLocked(path, zk.EventNodeDataChanged)
	return &zk.Stat{EphemeralOwner: n.owner, Version: n.version}, nil
}

func (f *fakeZK) Delete(path string, _ int32) error {
	if err := f.enter("delete", path); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nodes[path] == nil {
		return zk.ErrNoNode
	}
	delete(f.nodes, path)
	f.fireLocked(path, zk.EventNodeDeleted)
	return nil
}

func (f *fakeZK) Exists(path string) (bool, *zk.Stat, error) {
	if err := f.enter("exists", path); err != nil {
		return false, nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.nodes[path]
	if n == nil {
		return false, &zk.Stat{}, nil
	}
	return true, &zk.Stat{EphemeralOwner: n.owner, Version: n.version}, nil
}

var errFakeUnused = errors.New("fake: not used by the reporter")

func (f *fakeZK) Get(string) ([]byte, *zk.Stat, error) { return nil, nil, errFakeUnused }
func (f *fakeZK) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	if err := f.enter("getw", path); err != nil {
		return nil, nil, nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.nodes[path]
	if n == nil {
		return nil, nil, nil, zk.ErrNoNode
	}
	ch := make(chan zk.Event, 1)
	f.watches[path] = append(f.watches[path], ch)
	return n.data, &zk.Stat{EphemeralOwner: n.owner, Version: n.version}, ch, nil
}
func (f *fakeZK) Children(string) ([]string, *zk.Stat, error) { return nil, nil, errFakeUnused }
func (f *fakeZK) ChildrenW(string) ([]string, *zk.Stat, <-chan zk.Event, error) {
	return nil, nil, nil, errFakeUnused
}
func (f *fakeZK) ExistsW(string) (bool, *zk.Stat, <-chan zk.Event, error) {
	return false, nil, nil, errFakeUnused
}

func (f *fakeZK) State() zk.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

func (f *fakeZK) SessionID() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sid
}

func (f *fakeZK) Sessions(ctx context.Context) <-chan zk.SessionEvent {
	ch := make(chan zk.SessionEvent, 16)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	go func() { // ends with ctx, which the session cancels before Close
		<-ctx.Done()
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			close(ch)
		}
	}()
	return ch
}

func (f *fakeZK) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	f.state = gozk.StateDisconnected
}

// emit sets the connection state a session event implies and publishes it.
func (f *fakeZK) emit(s zk.SessionState, sid int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch s {
	case zk.SessionDisconnected, zk.SessionExpired:
		f.state = gozk.StateDisconnected
	default:
		f.state, f.sid = gozk.StateHasSession, sid
	}
	for ch := range f.subs {
		ch <- zk.SessionEvent{State: s, SessionID: sid, Time: time.Now()}
	}
}

// expire drops the session's ephemerals, as the server does at expiry.
func (f *fakeZK) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for p, n := range f.nodes {
		if n.owner == f.sid && n.owner != 0 {
			delete(f.nodes, p)
		}
	}
	for p := range f.watches {
		f.fireLocked(p, zk.EventNotWatching)
	}
	f.state = gozk.StateDisconnected
}

func (f *fakeZK) setFail(op string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[op] = err
}

func (f *fakeZK) setBlock(op string, ch chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.block[op] = ch
}

// takeCalls returns the calls since the last takeCalls.
func (f *fakeZK) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

func (f *fakeZK) node(path string) (fakeNode, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.nodes[path]
	if !ok {
		return fakeNode{}, false
	}
	return *n, true
}

func (f *fakeZK) put(path string, n fakeNode) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nodes[path] = &n
	f.fireLocked(path, zk.EventNodeDataChanged)
}

func (f *fakeZK) remove(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.nodes, path)
	f.fireLocked(path, zk.EventNodeDeleted)
}

func (f *fakeZK) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}
