package nerve

import (
	"encoding/json"
	"net/http"
	"sort"
)

// routes adds what the metrics listener serves beside /metrics: reads
// only. Everything that changes state goes through the admin socket
// (adminsock.go), never over TCP.
func (d *Daemon) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /status", d.serveStatus)
}

// Status is what the daemon believes about each service, sorted by name.
func (d *Daemon) Status() []ServiceStatus {
	d.mu.Lock()
	ss := make([]*supervisor, 0, len(d.workers))
	for _, s := range d.workers {
		ss = append(ss, s)
	}
	d.mu.Unlock()
	out := make([]ServiceStatus, 0, len(ss))
	now := d.opts.Clock()
	for _, s := range ss {
		st := s.st.snapshot()
		s.weightStatus(&st.Weight, now)
		d.maintenanceStatus(&st)
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// maintenanceStatus reads maintenance from the spool directory, not from
// the last round: a round skipped while the registry is unreachable never
// looks at it, and `maint status` must show a change at once.
func (d *Daemon) maintenanceStatus(st *ServiceStatus) {
	m, ok := d.spool.lookup(st.Service)
	st.Maintenance = ok
	st.MaintenanceReason, st.MaintenanceSource, st.MaintenanceExpires = m.Reason, m.Source, fmtExpiry(m.Expires)
}

func (d *Daemon) serveStatus(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{"services": d.Status()})
}
