package config

import (
	"math"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// RateLimit is a service's `rate_limiting` (docs/nerve.md): a token
// bucket consulted when the service's status changes. The defaults (rate
// and burst infinite) never throttle.
type RateLimit struct {
	// ShadowMode only logs and counts throttled reports; they still go out.
	ShadowMode bool `yaml:"shadow_mode"`
	// AverageRate is tokens per second, >= 0 (0 throttles every change).
	AverageRate float64 `yaml:"average_rate"`
	// MaxBurst is the bucket size, >= 1.
	MaxBurst float64 `yaml:"max_burst"`
}

// DefaultRateLimit is rate_limiting's default.
var DefaultRateLimit = RateLimit{ShadowMode: true, AverageRate: math.Inf(1), MaxBurst: math.Inf(1)}

// UnmarshalConfig implements config.Unmarshaler. Defaults are set by the
// service, since an absent section never reaches this method.
func (r *RateLimit) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	type plain RateLimit
	d.Decode(n, path, (*plain)(r))
	if math.IsNaN(r.AverageRate) || r.AverageRate < 0 {
		d.Errorf(lookup(n, "average_rate"), config.KeyPath(path, "average_rate"),
			"must be a number >= 0, got %v", r.AverageRate)
	}
	if math.IsNaN(r.MaxBurst) || r.MaxBurst < 1 {
		d.Errorf(lookup(n, "max_burst"), config.KeyPath(path, "max_burst"),
			"must be a number >= 1, got %v", r.MaxBurst)
	}
	return nil
}
