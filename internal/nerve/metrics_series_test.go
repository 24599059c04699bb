package nerve

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// runSeries gathers nerve_check_runs_total: result label → value, and the
// duration histogram's sample count.
func runSeries(t *testing.T, reg *prometheus.Registry) (runs map[string]float64, durations uint64) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	runs = map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case "nerve_check_runs_total":
				runs[label(m, "result")] = m.GetCounter().GetValue()
			case "nerve_check_duration_seconds":
				durations += m.GetHistogram().GetSampleCount()
			}
		}
	}
	return runs, durations
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// A worker's cached series count exactly what label lookups would, and a
// series appears only when it first counts.
func TestCheckSeriesCached(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newMetrics(reg, nil)
	var s checkSeries
	c := CheckSpec{Name: "c", Type: "http"}
	m.check(&s, "web", c, true, true, time.Millisecond)
	m.check(&s, "web", c, true, true, time.Millisecond)
	if runs, _ := runSeries(t, reg); len(runs) != 1 || runs["success"] != 2 {
		t.Fatalf("runs %v before any failure, want only success=2", runs)
	}
	m.check(&s, "web", c, false, true, time.Millisecond)
	m.check(nil, "web", c, false, false, time.Millisecond) // an uncached call shares the series
	runs, durations := runSeries(t, reg)
	if runs["success"] != 2 || runs["fail"] != 2 || durations != 4 {
		t.Fatalf("runs %v, durations %d; want success=2 fail=2, 4 durations", runs, durations)
	}
}
