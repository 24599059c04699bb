package cli

import (
	"log/slog"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/nerve"
	"github.com/smartstack-go/smartstack/internal/nerve/config"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// reporterOptions is shared by every reporter the daemon builds.
type reporterOptions struct {
	Logger         *slog.Logger
	Registerer     prometheus.Registerer
	Pool           *zk.Pool
	SessionTimeout time.Duration
	// ZKBuckets is the first config's histogram_buckets_zk: the reporter's
	// histogram is registered once, so later values could not apply.
	ZKBuckets []float64
	Statsd    func() *statsd.Client
}

// fromConfig turns a loaded, validated config into the daemon's Desired.
// Reporters are only built when a worker starts.
func fromConfig(cfg *config.Config, ro reporterOptions) *nerve.Desired {
	d := &nerve.Desired{
		Services:      make(map[string]nerve.ServiceSpec, len(cfg.Services)),
		HeartbeatPath: cfg.HeartbeatPath,
		FileMode:      cfg.FileMode,
		Prometheus: nerve.Prometheus{Enabled: cfg.Prometheus.Enabled, Addr: cfg.Prometheus.Addr(),
			MainLoopBuckets: cfg.Prometheus.HistogramBucketsMainLoop},
	}
	if cfg.Statsd.Host != "" && cfg.Statsd.Port > 0 {
		d.Statsd = &statsd.Config{Host: cfg.Statsd.Host, Port: cfg.Statsd.Port}
	}
	for name, s := range cfg.Services {
		d.Services[name] = serviceSpec(s, cfg.MaxRepeatedReportFailures, ro)
	}
	return d
}

func serviceSpec(s config.Service, maxFailures int, ro reporterOptions) nerve.ServiceSpec {
	spec := nerve.ServiceSpec{
		Name: s.Name, CheckInterval: s.CheckInterval, CheckMocked: s.CheckMocked,
		MaxFailures: maxFailures, Fingerprint: s.Fingerprint(), Weight: s.Weight,
		Payload: func(weight *int) ([]byte, error) {
			r := s.Registration()
			r.Weight = weight
			return registration.Marshal(r)
		},
		NewReporter: func() (reporter.Reporter, error) {
			return reporter.New(s.ReporterType, s.ReporterService(), s.Reporter, reporter.Options{
				Logger: ro.Logger, Registerer: ro.Registerer, Pool: ro.Pool, SessionTimeout: ro.SessionTimeout,
				HistogramBuckets: ro.ZKBuckets, Statsd: ro.Statsd})
		},
	}
	if rl := s.RateLimit; !(math.IsInf(rl.AverageRate, 1) && rl.ShadowMode) {
		spec.RateLimit = &nerve.RateLimit{ShadowMode: rl.ShadowMode, AverageRate: rl.AverageRate, MaxBurst: rl.MaxBurst}
	}
	for _, c := range s.Checks {
		name := c.Common.Name
		if n, ok := c.Check.(interface{ Name() string }); ok {
			name = n.Name()
		}
		spec.Checks = append(spec.Checks, nerve.CheckSpec{Name: name, Type: c.Common.Type, Rise: c.Common.Rise,
			Fall: c.Common.Fall, Timeout: c.Common.Timeout, Check: c.Check})
	}
	return spec
}
