package docker

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// Defaults. DefaultCheckInterval and DefaultPort are the original's;
// DefaultRequestTimeout is ours (the original waits as long as the docker
// gem's Excon defaults allow).
const (
	DefaultCheckInterval  = 15 * time.Second
	DefaultPort           = 4243
	DefaultRequestTimeout = 5 * time.Second
)

// Config is the `discovery:` section of method docker.
type Config struct {
	Servers       []Server        `yaml:"servers"`
	ImageName     string          `yaml:"image_name"`
	ContainerPort Port            `yaml:"container_port"`
	CheckInterval config.Duration `yaml:"check_interval"`
	// RequestTimeout (ours) bounds one server's request, response included.
	RequestTimeout config.Duration `yaml:"request_timeout"`
	// DropFailedServers (ours) restores the original's handling of a
	// server that cannot be listed: it contributes no backends. By default
	// such a server keeps the backends of its last good listing.
	DropFailedServers bool `yaml:"drop_failed_servers"`
}

// Server is one docker daemon reachable over TCP.
type Server struct {
	Name string `yaml:"name"`
	Host string `yaml:"host"`
	Port Port   `yaml:"port"` // empty: DefaultPort
}

// Port is a port written as a number or a string of digits. The original
// interpolates both keys that hold one into text (the server's URL, the
// container port compared with the API's port keys), so 6379 and "6379"
// are the same.
type Port string

// UnmarshalYAML takes a number or a string.
func (p *Port) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("want a port number")
	}
	v := strings.TrimSpace(n.Value)
	if i, err := strconv.Atoi(v); err == nil {
		v = strconv.Itoa(i) // "06379" must still find the API's "6379"
	}
	*p = Port(v)
	return nil
}

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{
		CheckInterval:  config.Duration(DefaultCheckInterval),
		RequestTimeout: config.Duration(DefaultRequestTimeout),
	}
}

// Validate reports every invalid key, each named with its value.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Servers) == 0 {
		errs = append(errs, errors.New("servers: missing or empty; want a list of {name, host, port}"))
	}
	for i, s := range c.Servers {
		if strings.TrimSpace(s.Host) == "" {
			errs = append(errs, fmt.Errorf("servers[%d].host: missing or empty", i))
		}
		if s.Port != "" && !s.Port.valid() {
			errs = append(errs, fmt.Errorf("servers[%d].port: %q is not a TCP port", i, string(s.Port)))
		}
	}
	if strings.TrimSpace(c.ImageName) == "" {
		errs = append(errs, errors.New("image_name: missing or empty"))
	}
	if !c.ContainerPort.valid() {
		errs = append(errs, fmt.Errorf("container_port: %q is not a port number", string(c.ContainerPort)))
	}
	if c.CheckInterval <= 0 {
		errs = append(errs, fmt.Errorf("check_interval: %s must be positive", c.CheckInterval))
	}
	if c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("request_timeout: %s must be positive", c.RequestTimeout))
	}
	return errors.Join(errs...)
}

// baseURL is the server's API root, http://host:port as in the original.
func (s Server) baseURL() string {
	port := string(s.Port)
	if port == "" {
		port = strconv.Itoa(DefaultPort)
	}
	return "http://" + net.JoinHostPort(s.Host, port)
}

func (p Port) valid() bool {
	n, err := strconv.Atoi(string(p))
	return err == nil && n >= 1 && n <= 65535
}
