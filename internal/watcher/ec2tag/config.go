package ec2tag

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/awsconf"
	"github.com/smartstack-go/smartstack/internal/config"
)

// Defaults. DefaultCheckInterval is the original's. The others are ours:
// DefaultRequestTimeout bounds one whole poll (every page of it), and
// DefaultMaxBackoff caps the delay between polls while EC2 throttles.
const (
	DefaultCheckInterval  = 15 * time.Second
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxBackoff     = 10 * time.Minute
)

// Config is the `discovery:` section of method ec2tag.
//
// The service-level backend_port_override (or the deprecated
// haproxy.server_port_override) is required by the original, since EC2
// tags carry no port; this section cannot see it. Without it the
// backends this watcher reports have no port.
type Config struct {
	TagName  string `yaml:"tag_name"`
	TagValue string `yaml:"tag_value"`
	// Keys are aws_access_key_id, aws_secret_access_key and aws_region.
	awsconf.Keys  `yaml:",inline"`
	CheckInterval config.Duration `yaml:"check_interval"`
	// RequestTimeout (ours) bounds one poll, every page included.
	RequestTimeout config.Duration `yaml:"request_timeout"`
	// MaxBackoff (ours) caps the poll delay while EC2 throttles requests;
	// never below check_interval.
	MaxBackoff config.Duration `yaml:"max_backoff"`
}

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{
		CheckInterval:  config.Duration(DefaultCheckInterval),
		RequestTimeout: config.Duration(DefaultRequestTimeout),
		MaxBackoff:     config.Duration(DefaultMaxBackoff),
	}
}

// Validate reports every invalid key, each named with its value. Missing
// credentials and region are not errors: the SDK's default chain may
// supply them at poll time.
func (c *Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.TagName) == "" {
		errs = append(errs, errors.New("tag_name: missing or empty"))
	}
	if c.TagValue == "" {
		errs = append(errs, errors.New("tag_value: missing or empty"))
	}
	if err := c.Keys.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.CheckInterval <= 0 {
		errs = append(errs, fmt.Errorf("check_interval: %s must be positive", c.CheckInterval))
	}
	if c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("request_timeout: %s must be positive", c.RequestTimeout))
	}
	if c.MaxBackoff < 0 {
		errs = append(errs, fmt.Errorf("max_backoff: %s must not be negative", c.MaxBackoff))
	}
	return errors.Join(errs...)
}
