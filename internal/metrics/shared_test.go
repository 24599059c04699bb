package metrics

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

type testSet struct {
	errs  *prometheus.CounterVec
	depth *prometheus.GaugeVec
	took  *prometheus.HistogramVec
	runs  prometheus.Counter
}

func buildTestSet(buckets []float64) func(*Group) *testSet {
	return func(g *Group) *testSet {
		return &testSet{
			errs:  g.CounterVec(prometheus.CounterOpts{Name: "t_errors_total", Help: "h"}, "service"),
			depth: g.GaugeVec(prometheus.GaugeOpts{Name: "t_depth", Help: "h"}, "service"),
			took:  g.HistogramVec(prometheus.HistogramOpts{Name: "t_seconds", Help: "h", Buckets: buckets}, "service"),
			runs:  g.Counter(prometheus.CounterOpts{Name: "t_runs_total", Help: "h"}),
		}
	}
}

func TestSharedOnePerRegisterer(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, err := Shared(reg, "test", buildTestSet([]float64{1, 2}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Shared(reg, "test", buildTestSet([]float64{9}))
	if err != nil || b != a {
		t.Fatalf("second Shared = %p, %v; want the first set %p", b, err, a)
	}
	a.took.WithLabelValues("s").Observe(1)
	a.errs.WithLabelValues("s").Inc()
	a.depth.WithLabelValues("s").Set(3)
	a.runs.Inc()
	if got := bucketsOf(t, reg, "t_seconds"); !slices.Equal(got, []float64{1, 2}) {
		t.Fatalf("buckets %v, want the first set's [1 2]", got)
	}
	other, err := Shared(prometheus.NewRegistry(), "test", buildTestSet(nil))
	if err != nil || other == a {
		t.Fatalf("another registerer got the same set (err %v)", err)
	}
}

// The set is keyed by its type too, so two packages sharing a registerer
// get their own sets.
func TestSharedPerType(t *testing.T) {
	type otherSet struct{ c *prometheus.CounterVec }
	reg := prometheus.NewRegistry()
	if _, err := Shared(reg, "test", buildTestSet(nil)); err != nil {
		t.Fatal(err)
	}
	o, err := Shared(reg, "other", func(g *Group) *otherSet {
		return &otherSet{c: g.CounterVec(prometheus.CounterOpts{Name: "o_total", Help: "h"})}
	})
	if err != nil || o == nil || o.c == nil {
		t.Fatalf("second type: %v", err)
	}
}

func TestSharedNilRegisterer(t *testing.T) {
	a, err := Shared(nil, "test", buildTestSet(nil))
	if err != nil || a.errs == nil || a.runs == nil {
		t.Fatalf("nil registerer: %+v, %v", a, err)
	}
	a.errs.WithLabelValues("s").Inc()
	if b, _ := Shared(nil, "test", buildTestSet(nil)); b == a {
		t.Fatal("nil registerer sets must not be shared")
	}
}

// A conflicting definition is reported once, by the call that built the
// set; later callers get the same, unexported, collectors.
func TestSharedConflict(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "t_errors_total", Help: "h"}))
	a, err := Shared(reg, "test", buildTestSet(nil))
	if err == nil || !strings.HasPrefix(err.Error(), "test: ") || a.errs == nil {
		t.Fatalf("conflict: %v, errs %v", err, a.errs)
	}
	b, err := Shared(reg, "test", buildTestSet(nil))
	if err != nil || b != a {
		t.Fatalf("second call: %v, same %v", err, b == a)
	}
}

// replacingRegisterer is the synapse daemon's kind of registerer: a
// collector registered through it again replaces the earlier one.
type replacingRegisterer struct{ *prometheus.Registry }

func (r replacingRegisterer) Register(c prometheus.Collector) error {
	err := r.Registry.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		r.Unregister(are.ExistingCollector)
		return r.Registry.Register(c)
	}
	return err
}

// Behind such a registerer Reuse hands each caller a new vector and only
// the last one is exported; Shared keeps every caller on the first.
func TestSharedBehindReplacingRegisterer(t *testing.T) {
	reg := replacingRegisterer{prometheus.NewRegistry()}
	opts := prometheus.CounterOpts{Name: "r_total", Help: "h"}
	first, _ := Reuse(reg, prometheus.NewCounterVec(opts, []string{"service"}))
	if again, _ := Reuse(reg, prometheus.NewCounterVec(opts, []string{"service"})); again == first {
		t.Fatal("Reuse kept the vector: this test no longer shows why Shared exists")
	}
	build := func(g *Group) *testSet { return &testSet{errs: g.CounterVec(opts, "service")} }
	reg = replacingRegisterer{prometheus.NewRegistry()}
	a, _ := Shared(reg, "test", build)
	b, _ := Shared(reg, "test", build)
	a.errs.WithLabelValues("one").Inc()
	b.errs.WithLabelValues("two").Inc()
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 || len(mfs[0].GetMetric()) != 2 {
		t.Fatalf("want both services' series exported, got %v (%v)", mfs, err)
	}
}

func bucketsOf(t *testing.T, g prometheus.Gatherer, name string) []float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			var out []float64
			for _, b := range mf.GetMetric()[0].GetHistogram().GetBucket() {
				out = append(out, b.GetUpperBound())
			}
			return out
		}
	}
	t.Fatalf("no %s", name)
	return nil
}
