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
	"github.com/smartstack-go/smartstack/pkg/registration"
)

const waitLong = 10 * time.Second

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
	w   *Watcher
	out chan watcher.Snapshot
	reg *prometheus.Registry
}

// start runs a watcher whose idle watches end after maxWatch.
func start(t *testing.T, cfg *Config, maxWatch time.Duration) *running {
	t.Helper()
	reg := prometheus.NewRegistry()
	w, err := watcher.New(Method, "svc", cfg, watcher.Options{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	r := &running{w: w.(*Watcher), out: make(chan watcher.Snapshot), reg: reg}
	r.w.minBackoff, r.w.maxBackoff, r.w.maxWatch = 10*time.Millisecond, 200*time.Millisecond, maxWatch
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.w.Run(ctx, r.out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5s of cancel")
		}
	})
	return r
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

func (r *running) await(t *testing.T, what string, within time.Duration, cond func(watcher.Snapshot) error) watcher.Snapshot {
	t.Helper()
	deadline := time.After(within)
	err := fmt.Errorf("no snapshot yet")
	for {
		select {
		case s := <-r.out:
			if err = cond(s); err == nil {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: not seen within %s: %v", what, within, err)
		}
	}
}

// backends matches a good snapshot whose backends render as want, each
// "name host:port weight", every one with an id.
func backends(want ...string) func(watcher.Snapshot) error {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return fmt.Errorf("snapshot error: %w", s.Err)
		}
		if s.Service != "svc" {
			return fmt.Errorf("service %q", s.Service)
		}
		if got, w := render(s.Backends), strings.Join(want, "\n"); got != w {
			return fmt.Errorf("backends\n%s\nwant\n%s", got, w)
		}
		return nil
	}
}

func stale(s watcher.Snapshot) error {
	if s.Err == nil {
		return fmt.Errorf("snapshot without error: %s", render(s.Backends))
	}
	if s.Backends != nil {
		return fmt.Errorf("error snapshot carries backends %s", render(s.Backends))
	}
	return nil
}

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
