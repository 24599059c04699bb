package nerve

import (
	"os"
	"sync"
	"time"
)

// A spool lookup used to try to open `all` and the service's file every
// round: two failed opens per service and round, with 500 services at 1 s
// a tenth of what a steady nerve spent with keep_alive checks
// (docs/benchmarks.md, "nerve"). Which names the directory holds is now
// known from a listing shared by every worker, re-read when the
// directory's mtime moves; the files that exist are still read every
// round, so a rewritten reason or expiry is seen as before.

// listingRecheck bounds how long a file created by hand (touch) goes
// unseen; set and clear are seen at once.
const listingRecheck = 50 * time.Millisecond

// mtimeSlack: a directory modified this recently is listed again at every
// recheck, because a later change within the file system's timestamp
// granularity would leave its mtime as it was.
const mtimeSlack = 2 * time.Second

// dirListing is the cached set of names in one spool directory.
type dirListing struct {
	mu      sync.Mutex
	checked time.Time // last stat, zero: now
	mtime   time.Time
	names   map[string]bool
	// unknown: the directory exists but could not be listed; lookups
	// then open the files as before.
	unknown bool
	listed  int // listings made, for tests
}

// spoolListings holds one listing per directory. It is package state
// because workers hold copies of the daemon's spool value (a method
// value), which must all share one listing.
var spoolListings sync.Map // dir → *dirListing

func (s spool) listing() *dirListing {
	l, _ := spoolListings.LoadOrStore(s.dir, &dirListing{})
	return l.(*dirListing)
}

// mayHold reports whether the directory may hold any of names.
func (l *dirListing) mayHold(dir string, names ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.checked.IsZero() || now.Sub(l.checked) >= listingRecheck {
		l.refresh(dir, now)
	}
	if l.unknown {
		return true
	}
	for _, n := range names {
		if l.names[n] {
			return true
		}
	}
	return false
}

func (l *dirListing) refresh(dir string, now time.Time) {
	l.checked = now
	fi, err := os.Stat(dir)
	if err != nil {
		// Absent (nothing is in maintenance) or unreachable (the opens
		// would fail too): no names, as the opens found none.
		l.names, l.unknown, l.mtime = nil, false, time.Time{}
		return
	}
	mt := fi.ModTime()
	if l.names != nil && !l.unknown && mt.Equal(l.mtime) && now.Sub(mt) > mtimeSlack {
		return
	}
	l.listed++
	entries, err := os.ReadDir(dir)
	if err != nil {
		l.names, l.unknown, l.mtime = nil, true, time.Time{}
		return
	}
	names := make(map[string]bool, len(entries))
	for _, e := range entries {
		names[e.Name()] = true
	}
	l.names, l.unknown, l.mtime = names, false, mt
}

// invalidate makes the next lookup list the directory again: set and
// clear call it, so the admin socket's change is seen by the round it
// wakes.
func (l *dirListing) invalidate() {
	l.mu.Lock()
	l.checked = time.Time{}
	l.mu.Unlock()
}
