package haproxy

import (
	"context"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// statResync bounds how long an update trusts the generator's own record
// of the servers HAProxy runs. A full "show stat" round trip and its parse
// took about 0.8 ms at 100 servers (and grows with every server), which
// was most of the time from a ZooKeeper change to the runtime command;
// reading it once per resync instead of before every update takes it off
// that path. What the record cannot see (an operator's "disable server",
// a reload by someone else) is corrected by Tick's read at half this age
// (statresync.go), or by the first update after the resync, as the
// original corrects it at its next update.
const statResync = 10 * time.Second

// statCache is each socket's last "show stat" rows, kept current by the
// commands the generator sent since. Anything it cannot follow exactly (a
// refused command, a socket failure, a reload, slot refills, a tick's
// drain deletions) drops the socket's entry, so the next update reads
// HAProxy again.
type statCache map[string]*statEntry

type statEntry struct {
	// rec is what the plans read of the rows, kept by proxy: both plans
	// and the patch of one update's changes walk only the proxies they
	// touch.
	rec  *plan.Record
	read time.Time
	// slotsChecked is set once checkSlots compared this read's slots.
	slotsChecked bool
}

// statRows returns c's servers as of the last read plus the generator's
// own changes (cached), reading "show stat" when there is no fresh record.
// Like ShowStat, it may return rows together with an error for skipped
// lines.
func (g *Generator) statRows(ctx context.Context, c *hapi.Client) (e *statEntry, cached bool, err error) {
	if e := g.currentStat(c.Path()); e != nil {
		return e, true, nil
	}
	now := g.now()
	rec, err := readRecord(ctx, c)
	if rec == nil {
		g.m.socketCommands.WithLabelValues("error").Inc()
		delete(g.stats, c.Path())
		return nil, false, err
	}
	g.m.socketCommands.WithLabelValues("ok").Inc()
	e = &statEntry{rec: rec, read: now}
	g.stats[c.Path()] = e
	return e, false, err
}

// currentStat is path's record when it is fresh enough to plan against
// (statResync), else nil.
func (g *Generator) currentStat(path string) *statEntry {
	now := g.now()
	if e := g.stats[path]; e != nil && now.Sub(e.read) < statResync && !now.Before(e.read) {
		return e
	}
	return nil
}

// readRecord reads c's "show stat" into a record, nil when no row could
// be read. The rows go into it as they arrive: at 50,000 servers neither
// the 12 MB answer nor its rows are held at once (the builder grows as
// the rows come; it copies four fields of each).
func readRecord(ctx context.Context, c *hapi.Client) (*plan.Record, error) {
	b := plan.NewRecordBuilder(0)
	ok, err := c.ShowStatSummaryFunc(ctx, b.Add)
	if !ok {
		return nil, err
	}
	return b.Record(), err
}

// forgetStat makes the next update read path's "show stat" again.
func (g *Generator) forgetStat(path string) { delete(g.stats, path) }

func (g *Generator) forgetAllStats() { clear(g.stats) }

// statChanges are the effects of one update's commands on a socket's rows.
type statChanges struct {
	status  map[plan.Ref]string // new status of a running server
	added   []hapi.StatRow
	removed map[plan.Ref]bool
}

// recordRemovals adds to ch the removed servers of a socket: gone once
// deleted, in maintenance while they drain.
func (g *Generator) recordRemovals(ch *statChanges, path string, removals []plan.Ref) {
	for _, r := range removals {
		if _, draining := g.draining[path][r]; draining {
			ch.status[r] = plan.StatMaint
		} else {
			ch.removed[r] = true
		}
	}
}

// applyStat patches path's record with ch. A record dropped meanwhile (a
// command was refused, the socket failed) stays dropped.
func (g *Generator) applyStat(path string, ch statChanges) {
	if e := g.stats[path]; e != nil {
		e.rec.Patch(ch.status, ch.added, ch.removed)
	}
}

// forgetDraining drops the records of the sockets with servers draining:
// the tick about to retry their deletion changes HAProxy behind the
// record.
func (g *Generator) forgetDraining() {
	for path, d := range g.draining {
		if len(d) > 0 {
			g.forgetStat(path)
		}
	}
}

// reload is maybeReload; an attempted reload (even a failed one may have
// restarted HAProxy) drops every record, since new workers start from the
// config file and the server state file.
func (g *Generator) reload(ctx context.Context) {
	next := g.reloads.next
	g.maybeReload(ctx)
	if !g.reloads.next.Equal(next) {
		g.forgetAllStats()
	}
}
