package retry

import (
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
)

// Config is a `retry_policy:` section. Durations are seconds (numbers) or
// Go duration strings. Each watcher that has the section sets its own
// defaults before decoding (zookeeper: 10 attempts, 600 s, 0.5 s, 60 s).
type Config struct {
	MaxAttempts  int             `yaml:"max_attempts"`
	MaxDelay     config.Duration `yaml:"max_delay"`
	BaseInterval config.Duration `yaml:"base_interval"`
	MaxInterval  config.Duration `yaml:"max_interval"`
}

// ConfigOf returns p as a Config, to seed defaults before decoding.
func ConfigOf(p Policy) Config {
	return Config{
		MaxAttempts:  p.MaxAttempts,
		MaxDelay:     config.Duration(p.MaxDelay),
		BaseInterval: config.Duration(p.BaseInterval),
		MaxInterval:  config.Duration(p.MaxInterval),
	}
}

// Policy converts c; call Validate on the result (or let Do do it).
func (c Config) Policy() Policy {
	return Policy{
		MaxAttempts:  c.MaxAttempts,
		MaxDelay:     time.Duration(c.MaxDelay),
		BaseInterval: time.Duration(c.BaseInterval),
		MaxInterval:  time.Duration(c.MaxInterval),
	}
}
