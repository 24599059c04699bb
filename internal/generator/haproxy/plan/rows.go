package plan

import (
	"slices"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Index is a "show stat" record's lookups, built once per record: which
// servers each proxy runs, and where each proxy's rows are. A lone change
// among 50,000 servers plans one backend; walking every row to find its
// own was most of the plan's time.
type Index struct {
	Running map[string]map[string]bool
	rows    map[string][]int
}

// NewIndex indexes rows.
func NewIndex(rows []hapi.StatRow) *Index {
	ix := &Index{Running: map[string]map[string]bool{}, rows: map[string][]int{}}
	for i, r := range rows {
		if ix.Running[r.Proxy] == nil {
			ix.Running[r.Proxy] = map[string]bool{}
		}
		if r.Type == hapi.TypeServer {
			ix.Running[r.Proxy][r.Server] = true
			ix.rows[r.Proxy] = append(ix.rows[r.Proxy], i)
		}
	}
	return ix
}

// servers are the server rows of want's proxies, in rows' order (the
// order commands go out in, as when every row is read).
func (ix *Index) servers(rows []hapi.StatRow, want Wants) []hapi.StatRow {
	var at []int
	for name := range want {
		at = append(at, ix.rows[name]...)
	}
	slices.Sort(at)
	out := make([]hapi.StatRow, len(at))
	for i, j := range at {
		out[i] = rows[j]
	}
	return out
}

// SocketIndexed is Socket reading only the rows of want's proxies.
func SocketIndexed(rows []hapi.StatRow, ix *Index, want Wants) Plan {
	return Socket(ix.servers(rows, want), ix.Running, want)
}

// At are the indexes of proxy's server rows.
func (ix *Index) At(proxy string) []int { return ix.rows[proxy] }

// Add indexes r, appended to the rows at i.
func (ix *Index) Add(r hapi.StatRow, i int) {
	if ix.Running[r.Proxy] == nil {
		ix.Running[r.Proxy] = map[string]bool{}
	}
	if r.Type == hapi.TypeServer {
		ix.Running[r.Proxy][r.Server] = true
		ix.rows[r.Proxy] = append(ix.rows[r.Proxy], i)
	}
}
