package render

import (
	"errors"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Defaults of the top-level section, as in the original.
const (
	DefaultBindAddress     = "localhost"
	DefaultMaxServerID     = 65535
	DefaultRestartInterval = 2 * time.Second
	DefaultStateFileTTL    = 24 * time.Hour
	DefaultDynamicServers  = DynamicAuto
	DefaultDrainTimeout    = 30 * time.Second
)

// Config is the top-level `haproxy` section.
type Config struct {
	Global   []string `yaml:"global"`
	Defaults []string `yaml:"defaults"`

	DoWrites                bool       `yaml:"do_writes"`
	ConfigFilePath          string     `yaml:"config_file_path"`
	DoSocket                bool       `yaml:"do_socket"`
	SocketFilePath          StringList `yaml:"socket_file_path"`
	DoReloads               bool       `yaml:"do_reloads"`
	ReloadCommand           string     `yaml:"reload_command"`
	DoChecks                bool       `yaml:"do_checks"`
	CheckCommand            string     `yaml:"check_command"`
	CandidateConfigFilePath string     `yaml:"candidate_config_file_path"`

	// RestartInterval counts main-loop ticks (about a second each) in the
	// original; a whole number of seconds here.
	RestartInterval config.Duration `yaml:"restart_interval" config:"to_i"`
	RestartJitter   float64         `yaml:"restart_jitter" config:"to_f"`
	StateFilePath   string          `yaml:"state_file_path"`
	StateFileTTL    config.Duration `yaml:"state_file_ttl" config:"to_i"`
	// ServerOrderSeed is nil when absent: the daemon then picks one per
	// process, as the original's rand(2000) does.
	ServerOrderSeed *Seed  `yaml:"server_order_seed"`
	MaxServerID     int    `yaml:"max_server_id" config:"to_i"`
	BindAddress     string `yaml:"bind_address"`
	// SharedFrontend is nil when the key is absent: its presence, even as an
	// empty list, creates `frontend shared-frontend`.
	SharedFrontend  *[]string `yaml:"shared_frontend"`
	ExtraSections   Sections  `yaml:"extra_sections"`
	UseNerveWeights bool      `yaml:"use_nerve_weights"`

	// DynamicServers is "auto" (add/del servers at run time where HAProxy
	// allows it, docs/haproxy.md) or "off" (the original's reloads).
	DynamicServers string `yaml:"dynamic_servers"`
	// DrainTimeout bounds how long a removed dynamic server may keep its
	// connections before they are shut down and the server deleted.
	DrainTimeout config.Duration `yaml:"drain_timeout"`
	// ServerStateFile, when set, is written with "show servers state"
	// before each reload and named in global (server-state-file) and
	// defaults (load-server-state-from-file global), so health, admin
	// state and weights set at run time survive reloads.
	ServerStateFile string `yaml:"server_state_file"`
	// ServerSlots renders backends that cannot take dynamic servers
	// (cookie, static balance, default-server) as a pool of slot servers:
	// "auto" (the default, SlotsAuto) sizes the spare slots from the live
	// count, a positive number fixes them, 0 keeps the original's server
	// names and reloads; see slots_size.go.
	ServerSlots SlotCount `yaml:"server_slots"`
	// ModernizeHAProxyConfig (default true) translates the HAProxy 1.x
	// lines of global, defaults, extra_sections and the services' sections
	// for an HAProxy 2.x (docs/haproxy.md "HAProxy 1.x lines").
	ModernizeHAProxyConfig bool `yaml:"modernize_haproxy_config"`
	// HAProxyVersion is the version to write for when neither `haproxy -v`
	// nor "show info" answers; "" leaves it unknown.
	HAProxyVersion string `yaml:"haproxy_version"`

	hasGlobal, hasDefaults bool
}

// NewConfig returns a Config holding the original's defaults.
func NewConfig() Config {
	return Config{
		DoWrites: true, DoSocket: true, DoReloads: true,
		RestartInterval: config.Duration(DefaultRestartInterval),
		StateFileTTL:    config.Duration(DefaultStateFileTTL),
		MaxServerID:     DefaultMaxServerID,
		BindAddress:     DefaultBindAddress,
		DynamicServers:  DefaultDynamicServers,
		DrainTimeout:    config.Duration(DefaultDrainTimeout),
		ServerSlots:     SlotsAuto,

		ModernizeHAProxyConfig: true,
	}
}

// UnmarshalConfig sets the defaults, then decodes, remembering whether
// global and defaults were given at all (an empty list is valid).
func (c *Config) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	*c = NewConfig()
	type plain Config
	d.Decode(n, path, (*plain)(c))
	_, c.hasGlobal = mappingValue(n, "global")
	_, c.hasDefaults = mappingValue(n, "defaults")
	return nil
}

// Validate reports what the original refuses at startup, with its messages.
// A Config built in Go (not decoded) counts global and defaults as given
// when they are non-nil.
func (c *Config) Validate() error {
	var errs []error
	if !c.hasGlobal && c.Global == nil {
		errs = append(errs, errors.New("haproxy requires a global section"))
	}
	if !c.hasDefaults && c.Defaults == nil {
		errs = append(errs, errors.New("haproxy requires a defaults section"))
	}
	required := []struct {
		on         bool
		flag, name string
		set        bool
	}{
		{c.DoWrites, "do_writes", "config_file_path", c.ConfigFilePath != ""},
		{c.DoSocket, "do_socket", "socket_file_path", len(c.SocketFilePath) > 0},
		{c.DoReloads, "do_reloads", "reload_command", c.ReloadCommand != ""},
		{c.DoChecks, "do_checks", "check_command", c.CheckCommand != ""},
		{c.DoChecks, "do_checks", "candidate_config_file_path", c.CandidateConfigFilePath != ""},
	}
	for _, r := range required {
		if r.on && !r.set {
			errs = append(errs, fmt.Errorf("the `%s` option is required when `%s` is true", r.name, r.flag))
		}
	}
	if c.MaxServerID < 1 {
		errs = append(errs, fmt.Errorf("max_server_id must be at least 1, not %d", c.MaxServerID))
	}
	if c.DynamicServers != "" && c.DynamicServers != DynamicAuto && c.DynamicServers != DynamicOff {
		errs = append(errs, fmt.Errorf("dynamic_servers must be %q or %q, not %q", DynamicAuto, DynamicOff, c.DynamicServers))
	}
	if c.ServerSlots < SlotsAuto {
		errs = append(errs, fmt.Errorf("server_slots must be %q or not negative, not %d", "auto", c.ServerSlots))
	}
	if c.HAProxyVersion != "" {
		if _, err := hapi.ParseVersion(c.HAProxyVersion); err != nil {
			errs = append(errs, fmt.Errorf("haproxy_version must be a version such as \"2.6\", not %q", c.HAProxyVersion))
		}
	}
	if c.RestartJitter < 0 {
		errs = append(errs, fmt.Errorf("restart_jitter must not be negative, not %v", c.RestartJitter))
	}
	return errors.Join(errs...)
}

// CandidatePath is where a new config is written before it replaces the
// live one: candidate_config_file_path, else <config_file_path>.tmp.
func (c *Config) CandidatePath() string {
	if c.CandidateConfigFilePath != "" {
		return c.CandidateConfigFilePath
	}
	return c.ConfigFilePath + ".tmp"
}

// bindAddress is the default bind address for services without their own.
// An explicit "" is kept: Ruby's `||` treats "" as a value.
func (c *Config) bindAddress() string {
	if c == nil {
		return DefaultBindAddress
	}
	return c.BindAddress
}

// StringList is a string or a list of strings (socket_file_path: one
// socket per nbproc process).
type StringList []string

// UnmarshalConfig accepts a single string as a one-element list.
func (s *StringList) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode {
		*s = StringList{n.Value}
		return nil
	}
	var list []string
	d.Decode(n, path, &list)
	*s = list
	return nil
}

// mappingValue returns the value node of key in mapping n, following
// aliases, and whether the key is there at all (even with a null value).
func mappingValue(n *yaml.Node, key string) (*yaml.Node, bool) {
	v := config.Lookup(n, key)
	return v, v != nil
}
