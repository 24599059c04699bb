package config

import (
	"context"
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
)

// The fakes take the real names: this package's tests never import the real
// generators and watchers, so the testdata reads like a real config.
func init() {
	generator.Register("haproxy", generator.Type{New: newFakeGen("haproxy", "config_file_path")})
	generator.Register("file_output", generator.Type{New: newFakeGen("file_output", "output_directory")})
	watcher.Register("zookeeper", watcher.Type{
		NewConfig: func() any { return &fakeZK{Decode: "nerve"} },
		New: func(string, any, watcher.Options) (watcher.Watcher, error) {
			return nil, errors.New("not for running")
		},
	})
}

type fakeZK struct {
	Hosts  []string `yaml:"hosts"`
	Path   string   `yaml:"path"`
	Decode string   `yaml:"decode_method"`
	// The real watcher's zk_auth and zk_tls: the loader puts their
	// SecretsID into the watch key.
	zkconfig.Security `yaml:",inline"`
}

type fakeTop struct {
	ConfigFilePath  string `yaml:"config_file_path"`
	OutputDirectory string `yaml:"output_directory"`
	DoReloads       bool   `yaml:"do_reloads"`
}

type fakeSection struct {
	Port               int  `yaml:"port"`
	ServerPortOverride any  `yaml:"server_port_override"`
	Disabled           bool `yaml:"disabled"`
}

type fakeGen struct {
	name string
	top  fakeTop
	opts generator.Options
}

func newFakeGen(name, required string) func(*config.Decoder, *yaml.Node, string, generator.Options) (generator.Generator, error) {
	return func(d *config.Decoder, n *yaml.Node, path string, opts generator.Options) (generator.Generator, error) {
		g := &fakeGen{name: name, opts: opts}
		d.Decode(n, path, &g.top)
		if g.top.ConfigFilePath == "" && g.top.OutputDirectory == "" {
			return nil, fmt.Errorf("missing %s", required)
		}
		return g, nil
	}
}

func (g *fakeGen) Name() string { return g.name }

func (g *fakeGen) Normalize(service string, n *yaml.Node) (any, error) {
	var s fakeSection
	if n != nil {
		d := config.NewDecoder("")
		d.Decode(n, "", &s)
		if err := d.Err(); err != nil {
			return nil, err
		}
	}
	if s.Port < 0 {
		return nil, fmt.Errorf("port %d is negative", s.Port)
	}
	return s, nil
}

func (g *fakeGen) Update(context.Context, []generator.Service) error { return nil }
func (g *fakeGen) Tick(context.Context) error                        { return nil }

func generatorOptions() generator.Options { return generator.Options{} }
