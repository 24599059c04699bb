package synapse

import (
	"encoding/json"
	"net/http"

	"github.com/smartstack-go/smartstack/internal/metrics"
	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// ServiceStatus is one service in /status.
type ServiceStatus = admin.ServiceStatus

// Status is the /status document: what synapse believes right now. The
// admin socket's GET /v1/status adds HAProxy's live state (AdminStatus).
type Status = admin.StatusResult

// Status returns the current picture; safe from any goroutine.
func (d *Daemon) Status() Status {
	v := d.currentView()
	st := Status{Ready: v.ready, Services: []ServiceStatus{}}
	seen := map[string]bool{}
	for _, s := range v.services {
		seen[s.name] = true
		st.Services = append(st.Services, ServiceStatus{Name: s.name, Method: v.methods[s.name], Ready: true,
			Revision: s.revision, Backends: s.backends, Watcher: v.health[s.name].healthNow()})
	}
	for name, r := range v.health {
		if !seen[name] {
			st.Services = append(st.Services, ServiceStatus{Name: name, Method: v.methods[name],
				Backends: []registration.Backend{}, Watcher: r.healthNow()})
		}
	}
	return st
}

// Handler serves /metrics, /status, /ready and /healthz.
func (d *Daemon) Handler() http.Handler {
	mux := metrics.NewMux(d.opts.Gatherer)
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(d.Status())
	})
	d.life.Routes(mux)
	return mux
}

// MetricsAddr is the bound address of the metrics server, "" when off.
func (d *Daemon) MetricsAddr() string { return d.endpoint.Addr() }

// applyPrometheus starts, moves or stops the HTTP server to match p.
func (d *Daemon) applyPrometheus(p Prometheus) error {
	addr := ""
	if p.Enabled {
		addr = p.Addr
	}
	return d.endpoint.Apply(addr, d.Handler(), d.log)
}

// applyStatsd replaces the DogStatsD client; a failure leaves statsd off.
func (d *Daemon) applyStatsd(cfg *statsd.Config) {
	var c *statsd.Client
	if cfg != nil {
		var err error
		if c, err = statsd.New(*cfg, statsd.Options{Logger: d.log}); err != nil {
			d.log.Warn("statsd disabled", "err", err)
		}
	}
	if old := d.m.sd.Swap(c); old != nil {
		_ = old.Close()
	}
}
