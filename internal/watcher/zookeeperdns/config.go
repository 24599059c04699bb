package zookeeperdns

import (
	"errors"
	"fmt"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher/dns"
	"github.com/smartstack-go/smartstack/internal/watcher/zookeeper"
)

// minCheckInterval keeps check_interval 0 from becoming a busy loop.
const minCheckInterval = 100 * time.Millisecond

// DNSConfig is the DNS half of both methods' sections.
type DNSConfig struct {
	// Nameserver: empty asks the nameservers of /etc/resolv.conf.
	Nameserver    dns.Nameservers `yaml:"nameserver"`
	CheckInterval config.Duration `yaml:"check_interval"`
}

// Config is the `discovery:` section of method zookeeper_dns: every key of
// method zookeeper (the original passes only hosts, path and
// generator_config_path on; ours honours decode, retry_policy and the
// rest too) plus the DNS keys.
type Config struct {
	zookeeper.Config `yaml:",inline"`
	DNSConfig        `yaml:",inline"`
}

// PollConfig is the `discovery:` section of method zookeeper_dns_poll.
type PollConfig struct {
	zookeeper.PollConfig `yaml:",inline"`
	DNSConfig            `yaml:",inline"`
}

func newDNSConfig() DNSConfig {
	return DNSConfig{CheckInterval: config.Duration(dns.DefaultCheckInterval)}
}

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{Config: *zookeeper.NewConfig(), DNSConfig: newDNSConfig()}
}

// NewPollConfig returns a PollConfig with the defaults set.
func NewPollConfig() *PollConfig {
	return &PollConfig{PollConfig: *zookeeper.NewPollConfig(), DNSConfig: newDNSConfig()}
}

func (c *DNSConfig) validate() error {
	var errs []error
	if err := c.Nameserver.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.CheckInterval < 0 {
		errs = append(errs, fmt.Errorf("check_interval: %s must not be negative", c.CheckInterval))
	}
	return errors.Join(errs...)
}

func (c *DNSConfig) interval() time.Duration {
	return max(time.Duration(c.CheckInterval), minCheckInterval)
}

// Validate checks the DNS half, then the ZooKeeper half.
func (c *Config) Validate() error { return errors.Join(c.DNSConfig.validate(), c.Config.Validate()) }

// Validate checks the DNS half, then the ZooKeeper half.
func (c *PollConfig) Validate() error {
	return errors.Join(c.DNSConfig.validate(), c.PollConfig.Validate())
}
