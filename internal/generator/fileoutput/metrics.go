package fileoutput

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// Values of the result label.
const (
	resultWritten   = "written"   // the file was replaced
	resultUnchanged = "unchanged" // the file already held the bytes
	resultFail      = "fail"
)

type metrics struct {
	writes *prometheus.CounterVec
}

// metricsFor registers the counter on reg, or reuses the one a previous
// generator registered there (a config reload builds a new generator with
// the same registry). A nil reg gets an unregistered counter.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	writes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "synapse_file_output_writes_total",
		Help: "Service files considered by file_output, by result (written, unchanged, fail).",
	}, []string{"result"})
	for _, r := range []string{resultWritten, resultUnchanged, resultFail} {
		writes.WithLabelValues(r)
	}
	writes, err := smetrics.Reuse(reg, writes)
	if err != nil {
		return nil, fmt.Errorf("file_output: %w", err)
	}
	return &metrics{writes: writes}, nil
}

func (m *metrics) count(result string) { m.writes.WithLabelValues(result).Inc() }
