// Package nerve is the nerve daemon: one supervised worker per service that
// runs the checks and reports the result through a reporter, a main loop
// that applies config reloads as a per-service diff, and the status,
// maintenance and metrics surface around them.
package nerve

import (
	"io/fs"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/statsd"
)

// ServiceSpec is everything a worker needs for one service. It is built from
// the loaded config (see FromConfig) and never changes for a worker's life;
// a changed service gets a new worker.
type ServiceSpec struct {
	Name          string
	CheckInterval time.Duration
	// CheckMocked reports up without running any check (check_mocked).
	CheckMocked bool
	Checks      []CheckSpec
	// MaxFailures is max_repeated_report_failures; <= 0 means the default 10.
	MaxFailures int
	RateLimit   *RateLimit
	// Fingerprint identifies the service's whole effective config: equal
	// fingerprints on reload mean "unchanged, keep the worker and its znode".
	Fingerprint string
	// Weight is the configured weight (nil: none in the payload).
	Weight *int
	// Payload builds the registration with another weight, for a live
	// weight change; nil means the weight cannot be changed live.
	Payload func(weight *int) ([]byte, error)
	// NewReporter builds a fresh reporter; each worker (re)start calls it.
	NewReporter func() (reporter.Reporter, error)
}

// CheckSpec is one built check with its rise/fall settings.
type CheckSpec struct {
	Name    string
	Type    string
	Rise    int
	Fall    int
	Timeout time.Duration
	Check   check.Check
}

// RateLimit is a service's rate_limiting block (docs/nerve.md).
type RateLimit struct {
	ShadowMode  bool
	AverageRate float64
	MaxBurst    float64
}

// Desired is one loaded config: what the daemon should be running.
type Desired struct {
	Services      map[string]ServiceSpec
	HeartbeatPath string
	Prometheus    Prometheus
	Statsd        *statsd.Config
	Warnings      []string
	// FileMode is file_mode: the exact mode of the heartbeat and the
	// maintenance spool files; 0 keeps 0644 minus the umask.
	FileMode fs.FileMode
}

// Prometheus is the prometheus block; Addr is empty when disabled.
type Prometheus struct {
	Enabled bool
	Addr    string
	// MainLoopBuckets is histogram_buckets_main_loop; only the first
	// config's value is used (nil: Prometheus' defaults).
	MainLoopBuckets []float64
}

const defaultMaxFailures = 10
