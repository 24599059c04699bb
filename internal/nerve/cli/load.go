package cli

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/nerve"
	"github.com/smartstack-go/smartstack/internal/nerve/config"
	"github.com/smartstack-go/smartstack/internal/statsd"

	// The reporter types nerve knows, registered by their init (and the
	// ZooKeeper pool every zookeeper reporter shares).
	_ "github.com/smartstack-go/smartstack/internal/reporter/etcd"
	zkreporter "github.com/smartstack-go/smartstack/internal/reporter/zookeeper"
)

// loader returns the daemon's Load: read and validate every file, build
// every check and decode every reporter config, connect nothing. The pool
// outlives reloads so unchanged services keep sharing their sessions. sd
// is the daemon's statsd client getter (nil for -k).
func loader(o *options, log *slog.Logger, reg prometheus.Registerer, sd func() *statsd.Client) func() (*nerve.Desired, error) {
	ro := reporterOptions{Logger: log, Registerer: reg, Pool: zkreporter.NewPool(), SessionTimeout: o.zkSessionTimeout, Statsd: sd}
	return func() (*nerve.Desired, error) {
		cfg, warnings, err := config.Load(config.LoadOptions{Path: o.config, OverlayPath: o.overlay, InstanceID: o.instanceID, Env: o.env})
		var ws []string
		for _, w := range warnings {
			ws = append(ws, w.String())
		}
		if err != nil {
			// Warnings still matter to -k: they often explain the error.
			return &nerve.Desired{Warnings: ws}, err
		}
		if ro.ZKBuckets == nil {
			ro.ZKBuckets = cfg.Prometheus.HistogramBucketsZK
		}
		d := fromConfig(cfg, ro)
		d.Warnings = ws
		return d, nil
	}
}
