package zookeeper

import (
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/reporter"
)

func TestConfigValidate(t *testing.T) {
	ttl := func(d time.Duration) *config.Duration { v := config.Duration(d); return &v }
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		want string // substring of the error; "" = valid
	}{
		{"minimal", func(*Config) {}, ""},
		{"null node_type is the default", func(c *Config) { c.NodeType = "" }, ""},
		{"every node type", func(c *Config) { c.NodeType = Persistent; c.TTLSeconds = ttl(time.Minute) }, ""},
		{"root zk_path", func(c *Config) { c.ZKPath = "/" }, ""},
		{"no hosts", func(c *Config) { c.ZKHosts = nil }, "zk_hosts: missing or empty"},
		{"empty host", func(c *Config) { c.ZKHosts = []string{"zk1:2181", " "} }, `zk_hosts[1]: " " is empty`},
		{"no zk_path", func(c *Config) { c.ZKPath = "" }, "zk_path: missing"},
		{"relative zk_path", func(c *Config) { c.ZKPath = "nerve/x" }, `zk_path: "nerve/x" must start with /`},
		{"double slash", func(c *Config) { c.ZKPath = "/a//b" }, `zk_path: "/a//b" has an empty path component`},
		{"bad node_type", func(c *Config) { c.NodeType = "sequential" }, `node_type: unknown value "sequential"; want one of ephemeral_sequential, persistent_sequential, persistent, ephemeral`},
		{"zero ttl", func(c *Config) { c.TTLSeconds = ttl(0) }, "ttl_seconds: 0s must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := testConfig(tc.mod).Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestConfigFromYAML(t *testing.T) {
	var c *Config
	decode := func(src string) error {
		c = NewConfig()
		return yaml.Unmarshal([]byte(src), c)
	}
	if err := decode("zk_hosts: [a:1]\nzk_path: /x\nttl_seconds: 2.5\nnode_type: persistent\nuse_path_encoding: true\n"); err != nil {
		t.Fatal(err)
	}
	if c.ttl() != 2500*time.Millisecond || !c.UsePathEncoding || c.nodeFlags() != 0 || c.Validate() != nil {
		t.Fatalf("decoded %+v (ttl %s)", c, c.ttl())
	}
	if err := decode("zk_hosts: [a:1]\nzk_path: /x\n"); err != nil || c.nodeType() != EphemeralSequential {
		t.Fatalf("default node_type %q, err %v", c.nodeType(), err)
	}
	// The original enables encoding only for a boolean true; a quoted
	// "true" is a type error rather than silently off.
	if err := decode(`use_path_encoding: "true"`); err == nil {
		t.Fatal(`use_path_encoding: "true" decoded without error`)
	}
}

func TestConfigWarnsAboutIgnoredTTL(t *testing.T) {
	d := config.Duration(time.Minute)
	for nodeType, want := range map[string]bool{EphemeralSequential: true, Ephemeral: true, Persistent: false, PersistentSequential: false} {
		c := testConfig(func(c *Config) { c.NodeType, c.TTLSeconds = nodeType, &d })
		if got := len(c.Warnings()) == 1; got != want {
			t.Errorf("%s: warnings %q, want a warning: %v", nodeType, c.Warnings(), want)
		}
		if (c.ttl() == 0) != want {
			t.Errorf("%s: ttl %s", nodeType, c.ttl())
		}
	}
	if w := testConfig().Warnings(); w != nil {
		t.Errorf("no ttl: warnings %q", w)
	}
}

func TestClusterName(t *testing.T) {
	for _, tc := range []struct {
		hosts []string
		want  string
	}{
		{[]string{"zk-test0.us-east-1.example:2181"}, "zk-test"},
		{[]string{"zk-b1.example:2181", "zk-a12.example:2181"}, "zk-a"}, // first after sorting
		{[]string{"localhost:2181"}, "localhost:"},
		{[]string{"10.0.0.1:2181"}, "10.0.0.1:2181"},
		{[]string{"127.0.0.1:2181", "127.0.0.2:2181"}, "127.0.0.1:2181"},
		{[]string{"zk"}, "zk"},
	} {
		if got := clusterName(slices.Sorted(slices.Values(tc.hosts))); got != tc.want {
			t.Errorf("clusterName(%q) = %q, want %q", tc.hosts, got, tc.want)
		}
	}
}

func TestRegisteredType(t *testing.T) {
	typ, ok := reporter.Lookup("zookeeper")
	if !ok {
		t.Fatal("zookeeper reporter type not registered")
	}
	cfg, ok := typ.NewConfig().(*Config)
	if !ok || cfg.NodeType != EphemeralSequential {
		t.Fatalf("NewConfig() = %#v", typ.NewConfig())
	}
	cfg.ZKHosts, cfg.ZKPath = []string{"zkhost1", "zkhost2"}, "/zk_path"
	r, err := reporter.New("zookeeper", reporter.Service{Name: "s", InstanceID: "i", Payload: []byte("{}")}, cfg, reporter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(*Reporter); !ok {
		t.Fatalf("New returned %T", r)
	}
	if _, err := typ.New(reporter.Service{}, testConfig(func(c *Config) { c.NodeType = "x" }), reporter.Options{}); err == nil {
		t.Fatal("New accepted an invalid config")
	}
	if _, err := typ.New(reporter.Service{}, "not a config", reporter.Options{}); err == nil {
		t.Fatal("New accepted a string config")
	}
}
