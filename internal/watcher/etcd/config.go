package etcd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/etcdv2"
)

const (
	// DefaultPort is nerve's default etcd_port, so one value serves both
	// daemons' configs.
	DefaultPort = 4003
	// DefaultRequestTimeout bounds a listing; the long-poll watch has its
	// own, longer bound (maxWatch).
	DefaultRequestTimeout = 10 * time.Second
)

// Config is the `discovery:` section of method etcd.
type Config struct {
	Host string `yaml:"etcd_host"`
	Port int    `yaml:"etcd_port"`
	// Path is the service's registration dir, nerve's etcd_path: every
	// instance dir under it holds that instance's in-order keys.
	Path           string          `yaml:"etcd_path"`
	RequestTimeout config.Duration `yaml:"request_timeout"`
}

// NewConfig returns a Config with the defaults.
func NewConfig() *Config {
	return &Config{Port: DefaultPort, RequestTimeout: config.Duration(DefaultRequestTimeout)}
}

// Validate checks every key and reports all problems at once.
func (c *Config) Validate() error {
	errs := etcdv2.CheckEndpoint(c.Host, c.Port)
	if cleanPath(c.Path) == "" {
		// The root would make every key in etcd a backend.
		errs = append(errs, errors.New("etcd_path: missing or /; want the service's registration dir, e.g. /nerve/services/web/services"))
	}
	if c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("request_timeout: %s must be positive", c.RequestTimeout))
	}
	return errors.Join(errs...)
}

// cleanPath roots p and drops empty segments, as nerve's reporter joins
// etcd_path; "" means the root.
func cleanPath(p string) string {
	var parts []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "/" + strings.Join(parts, "/")
}
