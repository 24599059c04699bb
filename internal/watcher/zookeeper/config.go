package zookeeper

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/retry"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Defaults. SessionTimeout is the original's (receive timeout 18 s, session
// twice that). ResyncInterval is ours: a full re-read is a safety net for a
// lost watch (airbnb/synapse#287), and every five minutes bounds how long a
// service can stay stale without making a fleet's resyncs a read storm on
// large services (a full resync re-reads every child's data).
const (
	DefaultSessionTimeout  = 36 * time.Second
	DefaultResyncInterval  = 5 * time.Minute
	DefaultPollingInterval = 60 * time.Second
	// DefaultReconnectResyncSpread spreads the re-read after a reconnect
	// or a new session: when an ensemble blips, every synapse of a fleet
	// reconnects at once, and a second of spread turns that read storm
	// into a ramp while adding at most a second to a recovery that already
	// took longer. A large fleet sets more (docs/scaling.md).
	DefaultReconnectResyncSpread = time.Second
	// MaxDiscoveryJitter is the original's upper bound; larger values are
	// ignored with a warning, as there.
	MaxDiscoveryJitter = 120 * time.Second
	// Disabled as generator_config_path turns generator config from
	// ZooKeeper off.
	Disabled = "disabled"
)

// Config is the `discovery:` section of method zookeeper.
type Config struct {
	Hosts  []string      `yaml:"hosts"`
	Path   string        `yaml:"path"`
	Decode *DecodeConfig `yaml:"decode"`
	// GeneratorConfigPath: empty reads generator config from Path's data,
	// Disabled never reads any, anything else reads that znode's data.
	GeneratorConfigPath string           `yaml:"generator_config_path"`
	DiscoveryJitter     *config.Duration `yaml:"discovery_jitter"`
	RetryPolicy         retry.Config     `yaml:"retry_policy"`
	// ResyncInterval (ours) re-reads everything this often; 0 disables.
	ResyncInterval config.Duration `yaml:"resync_interval"`
	// ReconnectResyncSpread (ours): the re-read after a reconnect or a new
	// session waits a random delay below it; 0 re-reads at once.
	ReconnectResyncSpread config.Duration `yaml:"reconnect_resync_spread"`
	// SessionTimeout (ours) is asked of ZooKeeper. Watchers sharing a
	// host list share one session: the first one's value wins.
	SessionTimeout config.Duration `yaml:"session_timeout"`
	// WatchMode (ours, zk_watch_mode): auto, persistent or classic (see
	// zk.WatchMode); empty is auto.
	WatchMode string `yaml:"zk_watch_mode"`
	// zk_auth and zk_tls (docs/synapse.md): off by default. Reading needs
	// no credential; one only decides the ACL of the znodes the watcher
	// creates for a missing path.
	zkconfig.Security `yaml:",inline"`
}

// DecodeConfig is the `decode:` subsection.
type DecodeConfig struct {
	Method       string `yaml:"method"`
	EndpointName string `yaml:"endpoint_name"`
}

// PollConfig is the `discovery:` section of method zookeeper_poll.
type PollConfig struct {
	Config             `yaml:",inline"`
	PollingIntervalSec config.Duration `yaml:"polling_interval_sec"`
}

// DefaultRetryPolicy is the zookeeper watcher's retry_policy default.
func DefaultRetryPolicy() retry.Policy {
	return retry.Policy{MaxAttempts: 10, MaxDelay: 600 * time.Second,
		BaseInterval: 500 * time.Millisecond, MaxInterval: 60 * time.Second}
}

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{
		RetryPolicy:           retry.ConfigOf(DefaultRetryPolicy()),
		ResyncInterval:        config.Duration(DefaultResyncInterval),
		ReconnectResyncSpread: config.Duration(DefaultReconnectResyncSpread),
		SessionTimeout:        config.Duration(DefaultSessionTimeout),
	}
}

// NewPollConfig returns a PollConfig with the defaults set.
func NewPollConfig() *PollConfig {
	return &PollConfig{Config: *NewConfig(), PollingIntervalSec: config.Duration(DefaultPollingInterval)}
}

// Validate reports every invalid key, each named with its value.
func (c *Config) Validate() error {
	errs := zkconfig.CheckHosts("hosts", c.Hosts)
	if err := checkPath("path", c.Path, true); err != nil {
		errs = append(errs, err)
	}
	if c.GeneratorConfigPath != Disabled {
		if err := checkPath("generator_config_path", c.GeneratorConfigPath, false); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := c.format(); err != nil {
		errs = append(errs, err)
	}
	if err := c.RetryPolicy.Policy().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("retry_policy: %w", err))
	}
	if c.SessionTimeout <= 0 {
		errs = append(errs, fmt.Errorf("session_timeout: %s must be positive", c.SessionTimeout))
	}
	if err := c.Security.Validate(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.watchMode(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func checkPath(key, p string, required bool) error {
	switch {
	case p == "" && required:
		return fmt.Errorf("%s: missing; want an absolute znode path such as /services/web", key)
	case p == "":
		return nil
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("%s: %q must start with /", key, p)
	case strings.Contains(p, "//"):
		return fmt.Errorf("%s: %q has an empty path component", key, p)
	}
	return nil
}

// Warnings lists settings that are valid but ignored, as the original
// ignores them.
func (c *Config) Warnings() []string {
	if c.DiscoveryJitter != nil && time.Duration(*c.DiscoveryJitter) > MaxDiscoveryJitter {
		return []string{fmt.Sprintf("discovery_jitter: %s is above %s; ignored", c.DiscoveryJitter, MaxDiscoveryJitter)}
	}
	return nil
}

// format is the decode section as a registration.Format. A decode section
// without a method is an error, as in the original.
func (c *Config) format() (registration.Format, error) {
	if c.Decode == nil {
		return registration.Format{Method: registration.Nerve}, nil
	}
	if c.Decode.Method == "" {
		return registration.Format{}, errors.New(`decode.method: missing; want "nerve" or "serverset"`)
	}
	m, err := registration.ParseMethod(c.Decode.Method)
	if err != nil {
		return registration.Format{}, fmt.Errorf(`decode.method: %q is invalid; want "nerve" or "serverset"`, c.Decode.Method)
	}
	return registration.Format{Method: m, EndpointName: c.Decode.EndpointName}, nil
}

// watchMode is zk_watch_mode, auto when unset.
func (c *Config) watchMode() (zk.WatchMode, error) {
	if c.WatchMode == "" {
		return zk.WatchAuto, nil
	}
	m, err := zk.ParseWatchMode(c.WatchMode)
	if err != nil {
		return "", fmt.Errorf("zk_watch_mode: %q is invalid; want auto, persistent or classic", c.WatchMode)
	}
	return m, nil
}

// jitter is discovery_jitter when set and valid, else 0.
func (c *Config) jitter() time.Duration {
	if c.DiscoveryJitter == nil || time.Duration(*c.DiscoveryJitter) > MaxDiscoveryJitter {
		return 0
	}
	return time.Duration(*c.DiscoveryJitter)
}

// configPath is the znode whose data holds generator config, "" for none.
func (c *Config) configPath() string {
	switch c.GeneratorConfigPath {
	case Disabled:
		return ""
	case "":
		return c.parent()
	}
	return strings.TrimSuffix(c.GeneratorConfigPath, "/")
}

// parent is Path as a valid znode path ("/a/" → "/a").
func (c *Config) parent() string {
	if p := strings.TrimRight(c.Path, "/"); p != "" {
		return p
	}
	return "/"
}

// sortedHosts is the pool key's host order: the original sorts the list
// before joining it, so services naming one ensemble in any order share it.
func (c *Config) sortedHosts() []string {
	s := slices.Clone(c.Hosts)
	slices.Sort(s)
	return s
}

// pollInterval floors the interval at the original's 0.5 s check loop, so
// polling_interval_sec 0 means "as often as the original could".
func (c *PollConfig) pollInterval() time.Duration {
	return max(time.Duration(c.PollingIntervalSec), 500*time.Millisecond)
}
