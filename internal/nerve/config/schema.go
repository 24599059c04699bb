package config

import (
	"fmt"
	"io/fs"
	"math"
	"net"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// Config is one loaded nerve configuration.
type Config struct {
	// InstanceID is reported as `name` in every registration and prefixes
	// the ZooKeeper child names; -i / NERVE_INSTANCE_ID override the file.
	InstanceID string
	// Services is keyed by service name, after load_test_concurrency has
	// replaced a service by its copies <name>_0 ... <name>_{N-1}.
	Services map[string]Service
	// HeartbeatPath is touched on every main-loop iteration; "" for none.
	HeartbeatPath string
	// FileMode is file_mode, the exact mode of the files nerve writes (the
	// heartbeat, maintenance spool files); 0 when unset.
	FileMode fs.FileMode
	// MaxRepeatedReportFailures is global only; a per-service value is
	// ignored, as in the original.
	MaxRepeatedReportFailures int
	Statsd                    Statsd
	Prometheus                Prometheus
	// OverlayPath is the overlay file in use ("" for none), whose
	// modification time the daemon polls (see OverlayModTime).
	OverlayPath string
}

// Default values of the top-level keys.
const (
	DefaultMaxRepeatedReportFailures = 10
	DefaultStatsdHost                = "localhost"
	DefaultStatsdPort                = 8125
	DefaultPrometheusPort            = 9292
	DefaultPrometheusBind            = "127.0.0.1"
)

// Default Prometheus histogram buckets (Yelp nerve), in seconds.
var (
	DefaultHistogramBucketsZK       = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	DefaultHistogramBucketsMainLoop = []float64{0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30}
)

// Statsd is the DogStatsD destination (`statsd`).
type Statsd struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port" config:"to_i"`
}

// UnmarshalConfig implements config.Unmarshaler: port range check.
func (s *Statsd) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	type plain Statsd
	d.Decode(n, path, (*plain)(s))
	if s.Port < 1 || s.Port > 65535 {
		d.Errorf(lookup(n, "port"), config.KeyPath(path, "port"), "must be a port number 1-65535, got %d", s.Port)
	}
	return nil
}

// Addr is host:port for the UDP client.
func (s Statsd) Addr() string { return net.JoinHostPort(s.Host, fmt.Sprint(s.Port)) }

// Prometheus is Yelp nerve's `prometheus` block.
type Prometheus struct {
	Enabled                  bool      `yaml:"enabled"`
	Port                     int       `yaml:"port"`
	Bind                     string    `yaml:"bind"`
	HistogramBucketsZK       []float64 `yaml:"histogram_buckets_zk"`
	HistogramBucketsMainLoop []float64 `yaml:"histogram_buckets_main_loop"`
}

// UnmarshalConfig implements config.Unmarshaler. Buckets are checked here
// because the Prometheus client panics on unsorted ones.
func (p *Prometheus) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	type plain Prometheus
	d.Decode(n, path, (*plain)(p))
	if p.Port < 0 || p.Port > 65535 {
		d.Errorf(lookup(n, "port"), config.KeyPath(path, "port"), "must be a port number 0-65535, got %d", p.Port)
	}
	for _, b := range []struct {
		key     string
		buckets []float64
	}{
		{"histogram_buckets_zk", p.HistogramBucketsZK},
		{"histogram_buckets_main_loop", p.HistogramBucketsMainLoop},
	} {
		if msg := checkBuckets(b.buckets); msg != "" {
			d.Errorf(lookup(n, b.key), config.KeyPath(path, b.key), "%s", msg)
		}
	}
	return nil
}

func checkBuckets(b []float64) string {
	if len(b) == 0 {
		return "must list at least one bucket"
	}
	for i, v := range b {
		switch {
		case math.IsNaN(v):
			return "buckets must be numbers, got NaN"
		case i > 0 && v <= b[i-1]:
			return fmt.Sprintf("buckets must be in increasing order, got %v after %v", v, b[i-1])
		}
	}
	return ""
}

// Addr is the listen address of the /metrics server.
func (p Prometheus) Addr() string { return net.JoinHostPort(p.Bind, fmt.Sprint(p.Port)) }

// topKeys is the file's top level. services is decoded service by service
// (see loader.services); service_conf_dir has been expanded by then.
type topKeys struct {
	InstanceID                string     `yaml:"instance_id"`
	Services                  yaml.Node  `yaml:"services"`
	ServiceConfDir            string     `yaml:"service_conf_dir"`
	HeartbeatPath             string     `yaml:"heartbeat_path"`
	MaxRepeatedReportFailures int        `yaml:"max_repeated_report_failures"`
	Statsd                    Statsd     `yaml:"statsd"`
	Prometheus                Prometheus `yaml:"prometheus"`

	FileMode config.FileMode `yaml:"file_mode"`
}

func defaultTop() topKeys {
	return topKeys{
		MaxRepeatedReportFailures: DefaultMaxRepeatedReportFailures,
		Statsd:                    Statsd{Host: DefaultStatsdHost, Port: DefaultStatsdPort},
		Prometheus: Prometheus{
			Port:                     DefaultPrometheusPort,
			Bind:                     DefaultPrometheusBind,
			HistogramBucketsZK:       append([]float64(nil), DefaultHistogramBucketsZK...),
			HistogramBucketsMainLoop: append([]float64(nil), DefaultHistogramBucketsMainLoop...),
		},
	}
}
