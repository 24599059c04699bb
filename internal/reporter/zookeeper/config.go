package zookeeper

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
)

// Node types of the `node_type` key (airbnb nerve 0.9.7).
const (
	EphemeralSequential  = "ephemeral_sequential"
	PersistentSequential = "persistent_sequential"
	Persistent           = "persistent"
	Ephemeral            = "ephemeral"
)

var nodeFlags = map[string]int32{
	EphemeralSequential:  zk.FlagEphemeral | zk.FlagSequence,
	PersistentSequential: zk.FlagSequence,
	Persistent:           0,
	Ephemeral:            zk.FlagEphemeral,
}

// Config is the zookeeper reporter's part of a service section.
type Config struct {
	ZKHosts []string `yaml:"zk_hosts"`
	ZKPath  string   `yaml:"zk_path"`
	// UsePathEncoding is on only for a boolean true, as in the original
	// (a YAML string "true" is a type error here rather than silently off).
	UsePathEncoding bool   `yaml:"use_path_encoding"`
	NodeType        string `yaml:"node_type"`
	// TTLSeconds re-writes a persistent node's data this often so an
	// external cleaner can tell live nodes from stale ones by mtime.
	TTLSeconds *config.Duration `yaml:"ttl_seconds"`
	// zk_auth and zk_tls (docs/nerve.md): off by default. With zk_auth the
	// node and every parent the reporter creates are writable by that
	// identity alone.
	zkconfig.Security `yaml:",inline"`
}

// NewConfig returns a Config with the original's defaults.
func NewConfig() *Config { return &Config{NodeType: EphemeralSequential} }

// Validate checks what the original only found out at create time (an
// unknown node_type) or never (an empty zk_hosts entry).
func (c *Config) Validate() error {
	errs := zkconfig.CheckHosts("zk_hosts", c.ZKHosts)
	switch {
	case c.ZKPath == "":
		errs = append(errs, errors.New("zk_path: missing; want an absolute znode path such as /nerve/services/web"))
	case !strings.HasPrefix(c.ZKPath, "/"):
		errs = append(errs, fmt.Errorf("zk_path: %q must start with /", c.ZKPath))
	case strings.Contains(c.ZKPath, "//"):
		errs = append(errs, fmt.Errorf("zk_path: %q has an empty path component", c.ZKPath))
	}
	if _, ok := nodeFlags[c.nodeType()]; !ok {
		errs = append(errs, fmt.Errorf("node_type: unknown value %q; want one of %s", c.NodeType, strings.Join(nodeTypes(), ", ")))
	}
	if c.TTLSeconds != nil && *c.TTLSeconds <= 0 {
		errs = append(errs, fmt.Errorf("ttl_seconds: %s must be positive", c.TTLSeconds))
	}
	if err := c.Security.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Warnings lists settings that are valid but have no effect.
func (c *Config) Warnings() []string {
	if c.TTLSeconds != nil && c.nodeFlags()&zk.FlagEphemeral != 0 {
		return []string{fmt.Sprintf("ttl_seconds: ignored for node_type %s (only persistent nodes are refreshed)", c.nodeType())}
	}
	return nil
}

// nodeType treats an empty or null node_type as the default, as the
// original's `|| 'ephemeral_sequential'` does.
func (c *Config) nodeType() string {
	if c.NodeType == "" {
		return EphemeralSequential
	}
	return c.NodeType
}

func (c *Config) nodeFlags() int32 { return nodeFlags[c.nodeType()] }

// ttl is the refresh period, 0 when there is nothing to refresh.
func (c *Config) ttl() time.Duration {
	if c.TTLSeconds == nil || c.nodeFlags()&zk.FlagEphemeral != 0 {
		return 0
	}
	return time.Duration(*c.TTLSeconds)
}

// parent is zk_path as a valid znode path for EnsurePath ("/a/" → "/a").
func (c *Config) parent() string {
	if p := strings.TrimRight(c.ZKPath, "/"); p != "" {
		return p
	}
	return "/"
}

func nodeTypes() []string {
	return []string{EphemeralSequential, PersistentSequential, Persistent, Ephemeral}
}

// clusterName is the metrics label the original derives from the first
// sorted host: its first dot-separated token with trailing digits stripped
// ("zk-test0.us-east-1.example:2181" → "zk-test", "localhost:2181" →
// "localhost:"). A token that is all digits ("10.0.0.1:2181") would leave
// nothing, so the whole entry is used instead.
func clusterName(sorted []string) string {
	if len(sorted) == 0 {
		return ""
	}
	first := sorted[0]
	token, _, _ := strings.Cut(first, ".")
	if name := strings.TrimRight(token, "0123456789"); name != "" {
		return name
	}
	return first
}
