package zk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
)

// WatchOptions configure a ChildrenWatcher.
type WatchOptions struct {
	// ParentData also watches the watched znode's own data (synapse reads
	// per-service generator config from it).
	ParentData bool
	// ResyncInterval re-reads everything periodically, a safety net should a
	// watch ever be lost; 0 disables it. Each watcher picks a random phase
	// (the first re-read comes between half and one and a half intervals
	// after Run starts), so watchers started together, such as a fleet's
	// synapses after a deploy, do not re-read together ever after.
	ResyncInterval time.Duration
	// ResyncJitter delays the full re-read after a reconnect or a new
	// session by a random duration below it, so a fleet whose sessions all
	// came back after one ensemble blip does not read everything at the same
	// instant; 0 re-reads at once.
	ResyncJitter time.Duration
	// Concurrency bounds the child reads in flight; 0 means 32. They share
	// one connection, which pipelines them; on a *Conn, all its watchers
	// together also stay within connReadSlots.
	Concurrency int
	// RetryMin and RetryMax bound the doubling backoff after a failed
	// refresh; 0 means 100ms and 5s.
	RetryMin, RetryMax time.Duration
	// SkipData, when set, names the children whose data is never read or
	// watched (their Snapshot data is nil): synapse decodes nerve's
	// base64_ names from the name alone, so reading them would only add
	// load. Asked once per child; it must depend on the name only.
	SkipData func(name string) bool
	// ReleaseData keeps no child's data after delivering it: a Snapshot's
	// Children then names every child, with the data of those read since
	// the previous Snapshot whose data changed (non-nil, empty for no
	// data) and nil for the others, whose data is as last delivered. A
	// Snapshot replaced before it was taken passes its data on to the
	// next; error snapshots carry no children. For a consumer that keeps
	// what it decodes of each child and needs the bytes only once.
	ReleaseData bool
	// Mode picks the watches held (see WatchMode); "" is WatchClassic.
	Mode WatchMode
	// Logger gets refresh failures and recoveries; nil discards.
	Logger *slog.Logger
}

// Snapshot is the full state of a watched znode. Snapshots are never
// modified after delivery; consumers may keep them.
type Snapshot struct {
	Path string
	// Exists is false when the watched znode does not exist (no children).
	Exists bool
	// Children maps each child's name to its data; never nil. With
	// WatchOptions.ReleaseData, only changed data is there (see there).
	Children map[string][]byte
	// ParentData is the watched znode's data (WatchOptions.ParentData only).
	ParentData []byte
	// Err is set when the latest refresh failed. The rest is then the last
	// good state (stale beats partial), empty if there never was one, so an
	// error snapshot is not an authoritative "no children".
	Err error
}

// Names returns the child names, sorted.
func (s Snapshot) Names() []string { return slices.Sorted(maps.Keys(s.Children)) }

func (s Snapshot) sameState(o Snapshot) bool {
	return s.Exists == o.Exists && bytes.Equal(s.ParentData, o.ParentData) &&
		maps.EqualFunc(s.Children, o.Children, bytes.Equal)
}

// ChildrenWatcher keeps the children of one znode, with their data, current
// and delivers the full set on Updates after every change. It re-arms the
// one-shot watches after each event, re-reads everything after a reconnect,
// a new session or a lost watch, and retries failures with backoff. Run owns
// all of its goroutines; the Client stays the caller's to close (after Run
// returns).
type ChildrenWatcher struct {
	c       Client
	path    string
	opts    WatchOptions
	log     *slog.Logger
	updates chan Snapshot
	started atomic.Bool

	st       watchState        // owned by Run's goroutine
	routed   childRouter       // set by Run when c routes child watch events
	pw       persistentWatcher // set by Run in persistent mode
	consumer Consumer          // set by RunInto: takes what Updates would
	good     Snapshot          // last successful refresh
	haveGood bool
	lastErr  error
}

// NewChildrenWatcher returns a watcher for path; call Run to start it.
func NewChildrenWatcher(c Client, path string, opts WatchOptions) *ChildrenWatcher {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 32
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = 100 * time.Millisecond
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = max(5*time.Second, opts.RetryMin)
	}
	log := opts.Logger
	if log == nil {
		log = discardLogger()
	}
	return &ChildrenWatcher{
		c: c, path: path, opts: opts, log: log.With("path", path),
		updates: make(chan Snapshot, 1),
		st:      newWatchState(opts.ReleaseData),
	}
}

// Updates delivers snapshots, latest wins: a consumer that falls behind gets
// the newest full state, never a queue of old ones. The first comes after
// the first read (or its failure). Closed when Run returns.
func (w *ChildrenWatcher) Updates() <-chan Snapshot { return w.updates }

// Run watches until ctx ends (then it returns nil) or the Client's session
// stream closes (the connection was closed). A ZooKeeper request in flight is
// not interruptible, so Run returns once it completes. Call Run once.
func (w *ChildrenWatcher) Run(ctx context.Context) error {
	if !w.started.CompareAndSwap(false, true) {
		return errors.New("zk watcher: Run called twice")
	}
	defer close(w.updates)
	if err := validatePath(w.path); err != nil {
		return fmt.Errorf("zk watcher: %w", err)
	}
	lp := &loop{backoff: backoff.Doubling{Min: w.opts.RetryMin, Max: w.opts.RetryMax}}
	if r, ok := w.c.(childRouter); ok {
		// Before the first read, so that no event of a watch it arms is missed.
		in, unsubscribe := r.childEvents(w.path)
		defer unsubscribe()
		defer r.sessionEvents(in)()
		w.st.inbox, w.routed = in, r
		defer w.startPersistent()()
	} else {
		lp.sessions = w.c.Sessions(ctx)
	}
	defer lp.startResync(w.opts.ResyncInterval)()
	defer lp.stopRetry()
	for {
		if ctx.Err() != nil {
			return nil // select picks among ready cases at random; stop now
		}
		if w.st.pending() && lp.retry == nil {
			w.deliverDeletions()
			w.refreshOnce(ctx, lp)
		}
		if done, err := w.waitAndApply(ctx, lp); done {
			return err
		}
	}
}

// loop is Run's timer and channel state.
type loop struct {
	sessions    <-chan SessionEvent
	resync      <-chan time.Time
	resyncTimer *time.Timer
	resyncEvery time.Duration
	retry       <-chan time.Time // non-nil while backing off
	retryTimer  *time.Timer
	backoff     backoff.Doubling
}

// startResync arms the periodic re-read at a random phase (see
// WatchOptions.ResyncInterval) and returns the function that stops it.
func (lp *loop) startResync(every time.Duration) func() {
	if every <= 0 {
		return func() {}
	}
	lp.resyncEvery = every
	lp.resyncTimer = time.NewTimer(every/2 + rand.N(every))
	lp.resync = lp.resyncTimer.C
	return func() { lp.resyncTimer.Stop() }
}

// resynced re-arms the periodic re-read one interval on.
func (lp *loop) resynced() { lp.resyncTimer.Reset(lp.resyncEvery) }

// delay holds back the next refresh for d (Run refreshes only while no
// retry timer is pending).
func (lp *loop) delay(d time.Duration) {
	lp.stopRetry()
	lp.retryTimer = time.NewTimer(d)
	lp.retry = lp.retryTimer.C
}

func (lp *loop) stopRetry() {
	if lp.retryTimer != nil {
		lp.retryTimer.Stop()
		lp.retryTimer, lp.retry = nil, nil
	}
}

func (w *ChildrenWatcher) refreshOnce(ctx context.Context, lp *loop) {
	err := w.refresh(ctx)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		w.st.full = true
		w.fail(err)
		lp.delay(lp.backoff.Next())
		return
	}
	lp.backoff.Reset()
	w.succeed()
}

// deliverDeletions sends the children's deletions their data watches
// reported before the refresh re-lists the children: the deleted node is
// certainly gone, and a removed backend is the change most worth getting
// out fast (the re-listing costs a ZooKeeper round trip). Only from a good,
// complete state: after a failure the state may be partial, and a full
// refresh re-reads everything anyway. The refresh that follows delivers
// again only if the listing holds more news.
func (w *ChildrenWatcher) deliverDeletions() {
	if !w.st.deleted {
		return
	}
	w.st.deleted = false
	if w.st.full || !w.haveGood || w.lastErr != nil {
		return
	}
	w.succeed()
}

func (w *ChildrenWatcher) fail(err error) {
	err = fmt.Errorf("zk watch %s: %w", w.path, err)
	same := w.lastErr != nil && w.lastErr.Error() == err.Error()
	w.lastErr = err
	if same {
		return // one log line and one snapshot per distinct failure
	}
	w.log.Warn("zookeeper watch refresh failed; keeping last good state", "err", err, "have_good", w.haveGood)
	s := w.good
	if !w.haveGood || w.opts.ReleaseData {
		s = Snapshot{Path: w.path, Children: map[string][]byte{}}
	}
	s.Err = err
	w.deliver(s)
}

func (w *ChildrenWatcher) succeed() {
	if w.opts.ReleaseData {
		w.succeedReleased()
		return
	}
	s := w.st.snapshot(w.path)
	changed := !w.haveGood || w.lastErr != nil || !s.sameState(w.good)
	if w.lastErr != nil {
		w.log.Info("zookeeper watch recovered", "children", len(s.Children))
	}
	w.good, w.haveGood, w.lastErr = s, true, nil
	if changed {
		w.deliver(s)
	}
}

// deliver replaces an undelivered snapshot with s. Run is the only sender,
// so after draining the buffer the send cannot block. With a consumer
// (RunInto), it hands s over directly.
func (w *ChildrenWatcher) deliver(s Snapshot) {
	if w.consumer != nil {
		w.consumer.Take(s)
		return
	}
	for {
		select {
		case w.updates <- s:
			return
		default:
		}
		select {
		case old := <-w.updates:
			if w.opts.ReleaseData {
				w.keepFresh(old, s)
			}
		default:
		}
	}
}
