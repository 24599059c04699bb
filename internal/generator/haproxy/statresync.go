package haproxy

import (
	"context"
	"time"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// resyncStats reads again, from Tick, each socket's "show stat" once its
// record is half a statResync old, and plans the last update's services
// in full against it. Updates then find a current record and plan only
// what changed instead of waiting for the read: at 50,000 servers HAProxy
// takes about a quarter of a second to answer "show stat", and the first
// change after each quiet statResync waited for that. What the record
// cannot see (an operator's "disable server", a reload by someone else)
// is corrected here, every few seconds. A socket without a record (just
// reloaded, say) is read too, unless it is failing, which the next update
// retries; nothing is read until a reload's rate limit ends, so that the
// old worker is not.
func (g *Generator) resyncStats(ctx context.Context) {
	if !g.cfg.DoSocket || g.last == nil || g.lastIn == nil {
		return
	}
	now := g.now()
	if now.Before(g.reloads.next) {
		return
	}
	var stale []*hapi.Client
	for _, c := range g.clients {
		e := g.stats[c.Path()]
		switch {
		case e == nil && len(g.draining[c.Path()]) > 0:
			// One with servers draining is read by the next update, after
			// this tick's deletions.
			continue
		case e == nil && g.failedRecently(c.Path(), now):
			// A failing socket is retried every statResync/2, so the
			// state converges once HAProxy (or its socket) is back
			// though no update comes.
			continue
		case e != nil && now.Sub(e.read) < statResync/2 && !now.Before(e.read):
			continue
		}
		g.forgetStat(c.Path())
		stale = append(stale, c)
	}
	if len(stale) > 0 {
		// The last generation against itself, on fresh reads, so planned
		// whole: nothing to change but what HAProxy no longer runs as that
		// generation asks. The same plan and apply as an update's, without
		// its render, write or reload.
		cur := g.last.Backends()
		g.apply(ctx, g.wants(g.lastIn, g.last, cur, cur), stale)
	}
}

// failedRecently reports whether path failed less than statResync/2 ago.
func (g *Generator) failedRecently(path string, now time.Time) bool {
	at, down := g.socketDown[path]
	return down && now.Sub(at) < statResync/2 && !now.Before(at)
}
