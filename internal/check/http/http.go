// Package http implements the `http` check: `GET <uri>`, healthy on a status
// of 200 to 399 (redirects are not followed) whose body contains `expect`
// when that is set (airbnb/nerve#78 for 3xx, #48 and #60 for expect and headers).
package http

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
)

// Defaults of the original; read_timeout defaults to
// the check's `timeout`.
const (
	DefaultOpenTimeout = 200 * time.Millisecond
	DefaultSSLTimeout  = 200 * time.Millisecond
)

// Config is the http check's own section. Timeouts are numbers of seconds;
// nil means "not set", so that an explicit 0 is rejected rather than
// silently replaced by the default.
type Config struct {
	URI         string            `yaml:"uri"`
	SSL         bool              `yaml:"ssl"`
	Headers     map[string]string `yaml:"headers"`
	Expect      string            `yaml:"expect"`
	OpenTimeout *float64          `yaml:"open_timeout"`
	ReadTimeout *float64          `yaml:"read_timeout"`
	SSLTimeout  *float64          `yaml:"ssl_timeout"`
	KeepAlive   bool              `yaml:"keep_alive"`
}

// settings is Config validated and with defaults applied.
type settings struct {
	url                      string
	addr                     string // host:port to dial
	header                   map[string]string
	host                     string // a Host header, which net/http takes from Request.Host
	expect                   string
	open, read, sslHandshake time.Duration
	ssl                      bool
	keepAlive                bool
}

func init() { check.Register("http", New) }

// New builds an http check.
func New(c check.Common, decode check.Decoder) (check.Check, error) {
	var cfg Config
	if decode != nil {
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("http check: %w", err)
		}
	}
	if err := check.RequirePort(c); err != nil {
		return nil, err
	}
	if cfg.URI == "" {
		return nil, errors.New("missing required argument 'uri' in http check")
	}
	s, err := cfg.settings(c)
	if err != nil {
		return nil, fmt.Errorf("http check: %w", err)
	}
	h, err := newCheck(c, cfg.URI, s)
	if err != nil {
		return nil, fmt.Errorf("http check: %w", err)
	}
	return h, nil
}

func (cfg Config) settings(c check.Common) (settings, error) {
	s := settings{ssl: cfg.SSL, expect: cfg.Expect, header: map[string]string{}, addr: c.Addr(), keepAlive: cfg.KeepAlive}
	var err error
	if s.url, err = buildURL(c, cfg.URI, cfg.SSL); err != nil {
		return s, err
	}
	if s.open, err = seconds("open_timeout", cfg.OpenTimeout, DefaultOpenTimeout); err != nil {
		return s, err
	}
	if s.read, err = seconds("read_timeout", cfg.ReadTimeout, c.Timeout); err != nil {
		return s, err
	}
	if s.sslHandshake, err = seconds("ssl_timeout", cfg.SSLTimeout, DefaultSSLTimeout); err != nil {
		return s, err
	}
	for name, value := range cfg.Headers {
		if err := validHeader(name, value); err != nil {
			return s, err
		}
		if strings.EqualFold(name, "Host") {
			s.host = value
			continue
		}
		s.header[name] = value
	}
	return s, nil
}

func buildURL(c check.Common, uri string, ssl bool) (string, error) {
	if !strings.HasPrefix(uri, "/") {
		return "", fmt.Errorf("uri must start with \"/\", got %q", uri)
	}
	scheme := "http"
	if ssl {
		scheme = "https"
	}
	raw := scheme + "://" + net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) + uri
	if _, err := url.Parse(raw); err != nil {
		return "", fmt.Errorf("invalid uri %q: %w", uri, err)
	}
	return raw, nil
}

// seconds converts an optional number of seconds, the originals' way of
// writing durations.
func seconds(key string, v *float64, def time.Duration) (time.Duration, error) {
	if v == nil {
		return def, nil
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) || *v <= 0 {
		return 0, fmt.Errorf("%s must be a positive number of seconds, got %v", key, *v)
	}
	return time.Duration(*v * float64(time.Second)), nil
}

// validHeader rejects what net/http would refuse on every round, so that the
// mistake is a config error instead of a service that never comes up.
func validHeader(name, value string) error {
	if name == "" || strings.ContainsFunc(name, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	}) {
		return fmt.Errorf("headers: invalid header name %q", name)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("headers: value of %q must not contain CR, LF or NUL, got %q", name, value)
	}
	return nil
}
