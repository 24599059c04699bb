package nerve

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
)

func (d *Daemon) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /status", d.serveStatus)
	mux.HandleFunc("POST /maintenance/{service}", d.serveMaintenance)
	mux.HandleFunc("DELETE /maintenance/{service}", d.serveMaintenance)
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
	for _, s := range ss {
		out = append(out, s.st.snapshot())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

func (d *Daemon) serveStatus(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{"services": d.Status()})
}

// serveMaintenance is POST (enter, body = reason) or DELETE (leave) of
// /maintenance/<service>; "all" means every service.
func (d *Daemon) serveMaintenance(w http.ResponseWriter, r *http.Request) {
	service := r.PathValue("service")
	var err error
	if r.Method == http.MethodPost {
		reason, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
		err = d.SetMaintenance(service, true, strings.TrimSpace(string(reason)))
	} else {
		err = d.SetMaintenance(service, false, "")
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// SetMaintenance takes service ("all" for every one) out of rotation or
// back, and runs its worker's next round at once.
func (d *Daemon) SetMaintenance(service string, down bool, reason string) error {
	var err error
	if down {
		if reason == "" {
			reason = "maintenance"
		}
		err = d.spool.set(service, reason)
	} else {
		err = d.spool.clear(service)
	}
	if err != nil {
		return err
	}
	d.log.Info("maintenance changed", "service", service, "down", down, "reason", reason)
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, s := range d.workers {
		if service == spoolAll || name == service {
			s.wake()
		}
	}
	return nil
}
