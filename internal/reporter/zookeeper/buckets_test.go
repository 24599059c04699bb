package zookeeper

import (
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func opBuckets(t *testing.T, reg *prometheus.Registry) []float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "nerve_zk_operation_duration_seconds" {
			var out []float64
			for _, b := range mf.GetMetric()[0].GetHistogram().GetBucket() {
				out = append(out, b.GetUpperBound())
			}
			return out
		}
	}
	t.Fatal("no nerve_zk_operation_duration_seconds")
	return nil
}

// histogram_buckets_zk reaches the histogram; the first reporter built for
// a registry fixes them, as a registered histogram cannot change.
func TestHistogramBucketsFromOptions(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metricsFor(reg, []float64{0.2, 4})
	if err != nil {
		t.Fatal(err)
	}
	m.opDuration.WithLabelValues("c", "create").Observe(1)
	if got := opBuckets(t, reg); !slices.Equal(got, []float64{0.2, 4}) {
		t.Fatalf("buckets %v, want [0.2 4]", got)
	}
	again, err := metricsFor(reg, []float64{9})
	if err != nil || again != m {
		t.Fatalf("second metricsFor: %v, same set %v", err, again == m)
	}
}

func TestHistogramBucketsDefault(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metricsFor(reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.opDuration.WithLabelValues("c", "save").Observe(1)
	if got := opBuckets(t, reg); !slices.Equal(got, zkBuckets) {
		t.Fatalf("buckets %v, want Yelp's defaults %v", got, zkBuckets)
	}
}
