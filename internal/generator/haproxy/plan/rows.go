package plan

import (
	"cmp"
	"math"
	"slices"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Record is a socket's "show stat" as the plans read it, kept by proxy: a
// lone change among 50,000 servers plans, and patches, the rows of its
// own backend. It holds what the plans read of each server (its name and
// status) and the answer's order, in which commands go out: a removal
// takes the server out of its proxy's rows and leaves every other row
// where it was, so nothing is rebuilt over all servers (rebuilding an
// index on every removal was a quarter of an update's CPU).
type Record struct {
	proxies map[string]*proxyRows
	// next orders the rows: each row takes the next number, so a server
	// added at run time comes after every row read.
	next uint32
	// statuses are the distinct statuses, a handful, which rows refer to
	// by number (status).
	statuses []string
	status   map[string]uint8
}

type proxyRows struct {
	// first orders the proxy by its first row; own is whether it has a
	// row of its own (FRONTEND, BACKEND, listener): without one, a proxy
	// runs while it has servers.
	first uint32
	own   bool
	n     int // servers counted by the builder
	rows  []recordRow
}

// recordRow is one server: 24 bytes, with its name's.
type recordRow struct {
	name   string
	at     uint32
	status uint8
}

func newRecord() *Record {
	rec := &Record{proxies: map[string]*proxyRows{}, status: map[string]uint8{}}
	for _, s := range plannedAs {
		rec.intern(s)
	}
	return rec
}

// NewRecord records rows.
func NewRecord(rows []hapi.StatRow) *Record {
	b := NewRecordBuilder(len(rows))
	for _, r := range rows {
		b.Add(r)
	}
	return b.Record()
}

// RecordBuilder makes a Record of rows given one at a time (as parsed),
// so that they need not all be held at once.
type RecordBuilder struct {
	rec   *Record
	names []byte
	rows  []pendingRow
}

// pendingRow is a server row before the record's rows are laid out: its
// name ends at end in names, where the previous one's ends.
type pendingRow struct {
	px      *proxyRows
	end, at uint32
	status  uint8
}

// NewRecordBuilder starts a record of about rows rows. Sized ahead, the
// builder's buffers are allocated once: a large slice grown by append
// grows by a quarter at a time, and would allocate five times its size
// on the way.
func NewRecordBuilder(rows int) *RecordBuilder {
	return &RecordBuilder{rec: newRecord(), rows: make([]pendingRow, 0, rows), names: make([]byte, 0, rows*nameSize)}
}

// nameSize is a server name's usual length ("name_10.0.0.1:8080"), to
// size the names' buffer; longer ones double it as needed.
const nameSize = 24

// Add records r, the next row.
func (b *RecordBuilder) Add(r hapi.StatRow) {
	if px := b.rec.add(r); px != nil {
		px.n++
		if cap(b.names)-len(b.names) < len(r.Server) {
			b.names = slices.Grow(b.names, cap(b.names)+len(r.Server))
		}
		b.names = append(b.names, r.Server...)
		b.rows = append(b.rows, pendingRow{px, uint32(len(b.names)), b.rec.next - 1, b.rec.intern(r.Status)})
	}
}

// Record is the record of the rows added. Names are copied, so it does
// not pin the answer they were parsed from; the rows of every proxy, and
// every name, share one allocation each: 50,000 servers' small ones each
// cost an allocation's rounding, and grown slices their spare half.
func (b *RecordBuilder) Record() *Record {
	all := string(b.names)
	backing := make([]recordRow, len(b.rows))
	start := uint32(0)
	for _, r := range b.rows {
		px := r.px
		if px.rows == nil {
			px.rows, backing = backing[:0:px.n], backing[px.n:]
		}
		px.rows = append(px.rows, recordRow{all[start:r.end], r.at, r.status})
		start = r.end
	}
	rec := b.rec
	*b = RecordBuilder{}
	return rec
}

// proxy is name's rows, a new proxy's first at row at.
func (rec *Record) proxy(name string, at uint32) *proxyRows {
	px := rec.proxies[name]
	if px == nil {
		px = &proxyRows{first: at}
		rec.proxies[strings.Clone(name)] = px
	}
	return px
}

// plannedAs are the statuses the plans tell apart; a record numbers
// them first.
var plannedAs = []string{StatUp, StatMaint, "no check", "DOWN"}

// intern numbers status. Past 256 distinct ones (HAProxy has a handful),
// a status is kept as the one the plans read it as.
func (rec *Record) intern(status string) uint8 {
	if i, ok := rec.status[status]; ok {
		return i
	}
	if len(rec.statuses) > math.MaxUint8 {
		if strings.HasPrefix(status, "UP") {
			return rec.status[StatUp]
		}
		return rec.status["DOWN"]
	}
	i := uint8(len(rec.statuses))
	status = strings.Clone(status)
	rec.statuses = append(rec.statuses, status)
	rec.status[status] = i
	return i
}

// Plan is Socket against the record, reading only want's proxies.
func (rec *Record) Plan(want Wants) Plan {
	running := make(map[string]map[string]bool, len(want))
	var pxs []*proxyRows
	var names []string
	for name := range want {
		px := rec.proxies[name]
		if px == nil || !px.runs() {
			continue
		}
		servers := make(map[string]bool, len(px.rows))
		for _, r := range px.rows {
			servers[r.name] = true
		}
		running[name] = servers
		pxs, names = append(pxs, px), append(names, name)
	}
	return socket(rec.ordered(pxs, names), running, want)
}

func (px *proxyRows) runs() bool { return px.own || len(px.rows) > 0 }

// ordered are the server rows of pxs (named names) in the answer's order.
// Proxies' rows rarely interleave (only servers added at run time come
// after other proxies' rows), so they are laid out by each proxy's first
// row and sorted only when that is out of order.
func (rec *Record) ordered(pxs []*proxyRows, names []string) []serverRow {
	idx := make([]int, len(pxs))
	n := 0
	for i, px := range pxs {
		idx[i], n = i, n+len(px.rows)
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(pxs[a].first, pxs[b].first) })
	out := make([]serverRow, 0, n)
	at := make([]uint32, 0, n)
	for _, i := range idx {
		for _, r := range pxs[i].rows {
			out = append(out, serverRow{names[i], r.name, rec.statuses[r.status]})
			at = append(at, r.at)
		}
	}
	if slices.IsSorted(at) {
		return out
	}
	perm := make([]int, len(out))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(a, b int) int { return cmp.Compare(at[a], at[b]) })
	sorted := make([]serverRow, len(out))
	for i, j := range perm {
		sorted[i] = out[j]
	}
	return sorted
}

// Patch follows what one update's commands did: the new status of
// servers HAProxy runs, the servers added (after every row) and those
// removed. Each proxy with a change is walked once.
func (rec *Record) Patch(status map[Ref]string, added []hapi.StatRow, removed map[Ref]bool) {
	byProxy := map[string]bool{}
	for ref := range status {
		byProxy[ref.Backend] = true
	}
	for ref := range removed {
		byProxy[ref.Backend] = true
	}
	for name := range byProxy {
		px := rec.proxies[name]
		if px == nil {
			continue
		}
		px.rows = slices.DeleteFunc(px.rows, func(r recordRow) bool { return removed[Ref{name, r.name}] })
		for i, r := range px.rows {
			if s, ok := status[Ref{name, r.name}]; ok {
				px.rows[i].status = rec.intern(s)
			}
		}
	}
	for _, r := range added {
		if px := rec.add(r); px != nil {
			px.rows = append(px.rows, recordRow{r.Server, rec.next - 1, rec.intern(r.Status)})
		}
	}
}

// add numbers r, the next row, and returns its proxy if r is a server's.
func (rec *Record) add(r hapi.StatRow) *proxyRows {
	px := rec.proxy(r.Proxy, rec.next)
	rec.next++
	if r.Type != hapi.TypeServer {
		px.own = true
		return nil
	}
	return px
}

// Rows are the record's server rows, in the answer's order.
func (rec *Record) Rows() []hapi.StatRow {
	var out []hapi.StatRow
	for _, r := range rec.all(func(string) bool { return true }) {
		out = append(out, hapi.StatRow{Proxy: r.proxy, Server: r.server, Type: hapi.TypeServer, Status: r.status})
	}
	return out
}

// all are the server rows of the running proxies named by keep, in the
// answer's order.
func (rec *Record) all(keep func(string) bool) []serverRow {
	var pxs []*proxyRows
	var names []string
	for name, px := range rec.proxies {
		if keep(name) && px.runs() {
			pxs, names = append(pxs, px), append(names, name)
		}
	}
	return rec.ordered(pxs, names)
}
