package etcd

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/reporter"
	reporteretcd "github.com/smartstack-go/smartstack/internal/reporter/etcd"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// nerveReporter registers instance with payload under dir as nerve does,
// through nerve's own etcd reporter.
func nerveReporter(t *testing.T, port int, dir, instance, payload string) reporter.Reporter {
	t.Helper()
	cfg := reporteretcd.NewConfig()
	cfg.Host, cfg.Port, cfg.Path = "127.0.0.1", port, dir
	svc := reporter.Service{Name: "web", InstanceID: instance, Payload: []byte(payload), CheckInterval: 10 * time.Second}
	r, err := reporteretcd.New(svc, cfg, reporter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return r
}

func testConfig(host string, port int, dir string) *Config {
	c := NewConfig()
	c.Host, c.Port, c.Path = host, port, dir
	c.RequestTimeout = config.Duration(time.Second) // a blocked etcd fails fast
	return c
}

type running struct {
	*watchertest.Started[*Watcher]
	reg *prometheus.Registry
}

// start runs a watcher whose idle watches end after maxWatch.
func start(t *testing.T, cfg *Config, maxWatch time.Duration) *running {
	t.Helper()
	reg := prometheus.NewRegistry()
	started := watchertest.Start(t, Method, cfg, watcher.Options{Registerer: reg}, func(w *Watcher) {
		w.minBackoff, w.maxBackoff, w.maxWatch = 10*time.Millisecond, 200*time.Millisecond, maxWatch
	})
	return &running{Started: started, reg: reg}
}

// errors is synapse_etcd_discovery_errors_total{service="svc"} as the
// registry exports it, 0 before the first error.
func (r *running) errors(t *testing.T) float64 {
	t.Helper()
	mfs, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "synapse_etcd_discovery_errors_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == "svc" {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// backends matches a good snapshot whose backends render as want, each
// "name host:port weight", every one with an id.
func backends(want ...string) watchertest.Cond {
	return watchertest.BackendsAs(watchertest.Service, render, want...)
}

var stale = watchertest.Stale("")

func render(bs []registration.Backend) string {
	lines := make([]string, 0, len(bs))
	for _, b := range bs {
		id := "noid"
		if b.ID != nil {
			id = "id"
		}
		name, _ := b.Name.AsString()
		lines = append(lines, fmt.Sprintf("%s %s:%s %s %s", name, b.Host, b.Port, b.Weight, id))
	}
	return strings.Join(lines, "\n")
}
