package marathon

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
)

// Defaults. DefaultCheckInterval, DefaultAPIPath and port_index 0 are the
// original's. DefaultRequestTimeout is ours: the original only bounds the
// connect (5 s) and leaves a hung response to Net::HTTP's 60 s read timeout,
// which would keep a service stale for six check intervals.
const (
	DefaultCheckInterval  = 10 * time.Second
	DefaultAPIPath        = "/v2/apps/%{app}/tasks"
	DefaultRequestTimeout = 5 * time.Second
	appPlaceholder        = "%{app}"
)

// Config is the `discovery:` section of method marathon.
type Config struct {
	MarathonAPIURL  string `yaml:"marathon_api_url"`
	ApplicationName string `yaml:"application_name"`
	// MarathonAPIPath has %{app} replaced by ApplicationName and is joined
	// to MarathonAPIURL as a relative URI reference.
	MarathonAPIPath string          `yaml:"marathon_api_path"`
	CheckInterval   config.Duration `yaml:"check_interval"`
	PortIndex       int             `yaml:"port_index"`
	// RequestTimeout (ours) bounds one whole request, response included.
	RequestTimeout config.Duration `yaml:"request_timeout"`
}

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{
		MarathonAPIPath: DefaultAPIPath,
		CheckInterval:   config.Duration(DefaultCheckInterval),
		RequestTimeout:  config.Duration(DefaultRequestTimeout),
	}
}

// Validate reports every invalid key, each named with its value.
func (c *Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.MarathonAPIURL) == "" {
		errs = append(errs, errors.New("marathon_api_url: missing or empty; want a URL such as http://marathon:8080"))
	} else if _, err := c.tasksURL(); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.ApplicationName) == "" {
		errs = append(errs, errors.New("application_name: missing or empty"))
	}
	if c.PortIndex < 0 {
		errs = append(errs, fmt.Errorf("port_index: %d must not be negative", c.PortIndex))
	}
	if c.CheckInterval <= 0 {
		errs = append(errs, fmt.Errorf("check_interval: %s must be positive", c.CheckInterval))
	}
	if c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("request_timeout: %s must be positive", c.RequestTimeout))
	}
	return errors.Join(errs...)
}

// tasksURL is the endpoint polled: the path template with the application
// substituted, resolved against the base URL the way Ruby's URI.join does
// (a path starting with / replaces any path of the base).
func (c *Config) tasksURL() (*url.URL, error) {
	base, err := url.Parse(strings.TrimSpace(c.MarathonAPIURL))
	if err != nil {
		return nil, fmt.Errorf("marathon_api_url: %w", err)
	}
	if base.Scheme != "http" && base.Scheme != "https" || base.Host == "" {
		return nil, fmt.Errorf("marathon_api_url: %q is not an http(s) URL with a host", c.MarathonAPIURL)
	}
	p := strings.ReplaceAll(c.MarathonAPIPath, appPlaceholder, c.ApplicationName)
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("marathon_api_path: %q with application %q: %w", c.MarathonAPIPath, c.ApplicationName, err)
	}
	return base.ResolveReference(ref), nil
}
