package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
)

// The tests register stand-ins for the zookeeper and etcd reporter types,
// with the keys and required arguments of the originals, so that this
// package's tests do not depend on the reporter packages.
type fakeZK struct {
	ZKHosts         []string `yaml:"zk_hosts"`
	ZKPath          string   `yaml:"zk_path"`
	UsePathEncoding bool     `yaml:"use_path_encoding"`
	NodeType        string   `yaml:"node_type"`
	TTLSeconds      *float64 `yaml:"ttl_seconds"`
	// The real reporter's zk_auth and zk_tls: the loader fingerprints
	// their secrets through SecretsID.
	zkconfig.Security `yaml:",inline"`
}

func (c *fakeZK) Validate() error {
	var errs []error
	if len(c.ZKHosts) == 0 {
		errs = append(errs, errors.New("missing required argument zk_hosts"))
	}
	for i, h := range c.ZKHosts {
		if h == "" {
			errs = append(errs, fmt.Errorf("zk_hosts[%d]: %q is empty", i, h))
		}
	}
	switch {
	case c.ZKPath == "":
		errs = append(errs, errors.New("missing required argument zk_path"))
	case !strings.HasPrefix(c.ZKPath, "/"):
		errs = append(errs, fmt.Errorf("zk_path: %q must start with /", c.ZKPath))
	}
	return errors.Join(errs...)
}

type fakeEtcd struct {
	EtcdHost string `yaml:"etcd_host"`
	EtcdPort int    `yaml:"etcd_port"`
	EtcdPath string `yaml:"etcd_path"`
}

func (c *fakeEtcd) Validate() error {
	if c.EtcdHost == "" {
		return errors.New("missing required argument etcd_host")
	}
	return nil
}

func init() {
	reporter.Register("zookeeper", reporter.Type{NewConfig: func() any { return &fakeZK{NodeType: "ephemeral_sequential"} }})
	reporter.Register("etcd", reporter.Type{NewConfig: func() any { return &fakeEtcd{EtcdPort: 4003, EtcdPath: "/"} }})
}

// noEnv keeps the tests independent of the environment they run in.
func noEnv(string) (string, bool) { return "", false }

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// loadString loads one config file with the given content.
func loadString(t *testing.T, name, content string) (*Config, []config.Warning, error) {
	t.Helper()
	p := writeFile(t, t.TempDir(), name, content)
	return Load(LoadOptions{Path: p, Env: noEnv})
}

func mustLoad(t *testing.T, opts LoadOptions) *Config {
	t.Helper()
	if opts.Env == nil {
		opts.Env = noEnv
	}
	cfg, ws, err := Load(opts)
	if err != nil {
		t.Fatalf("load %s: %v", opts.Path, err)
	}
	if len(ws) > 0 {
		t.Fatalf("load %s: unexpected warnings %q", opts.Path, warnLines(ws))
	}
	return cfg
}

func errLines(err error) []string {
	var out []string
	for _, e := range config.Unjoin(err) {
		out = append(out, e.Error())
	}
	return out
}

func warnLines(ws []config.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func serviceNames(cfg *Config) []string {
	var names []string
	for n := range cfg.Services {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// equalLines compares line lists, with the file's directory replaced by
// "DIR" so expectations can name temp files.
func equalLines(t *testing.T, what string, got, want []string, dir string) {
	t.Helper()
	for i := range got {
		if dir != "" {
			got[i] = strings.ReplaceAll(got[i], dir, "DIR")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }

// dirOf is the directory of the first warning's file, for equalLines.
func dirOf(ws []config.Warning) string {
	if len(ws) == 0 {
		return ""
	}
	return filepath.Dir(ws[0].File)
}

func itoa(n int) string { return strconv.Itoa(n) }
