package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestReuse(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "x_total", Help: "x"}
	first, err := Reuse(reg, prometheus.NewCounter(opts))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Reuse(reg, prometheus.NewCounter(opts))
	if err != nil || second != first {
		t.Fatalf("second registration: got %p err %v, want the first collector %p", second, err, first)
	}
	// Same name, different type: an error, and the new collector back.
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x_total", Help: "x"})
	if got, err := Reuse(reg, g); err == nil || got != g {
		t.Fatalf("conflicting type: err %v", err)
	}
	if c, err := Reuse[prometheus.Counter](nil, first); err != nil || c != first {
		t.Fatal("nil registerer must return the collector unchanged")
	}
}
