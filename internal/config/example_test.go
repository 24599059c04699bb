package config_test

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

type Check struct {
	Type string          `yaml:"type"`
	Rise int             `yaml:"rise"`
	Wait config.Duration `yaml:"wait"`
}

type Service struct {
	Host   string         `yaml:"host"`
	Checks []Check        `yaml:"checks"`
	Labels map[string]any `yaml:"labels"` // open: any keys
	ZK     any            `yaml:"-"`      // chosen by reporter_type
}

type ZK struct {
	ZKPath string `yaml:"zk_path"`
}

var reporters = map[string]func() any{"": func() any { return &ZK{} }, "zookeeper": func() any { return &ZK{} }}

// UnmarshalConfig sets defaults and decodes the reporter keys that share the
// service's mapping.
func (s *Service) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	*s = Service{Host: "127.0.0.1"}
	type plain Service
	s.ZK, _ = config.DecodeTyped(d, n, path, "reporter_type", reporters, (*plain)(s))
	return nil
}

func Example() {
	src := `
services:
  web:
    zk_path: /nerve/web
    chek_interval: 2
    checks: [{type: http, rise: abc, wait: 0.25}]
`
	var cfg struct {
		Services map[string]Service `yaml:"services"`
	}
	warnings, err := config.Decode("nerve.yaml", []byte(src), &cfg)
	for _, w := range warnings {
		fmt.Println("warning:", w)
	}
	fmt.Println("error:", err)
	web := cfg.Services["web"]
	fmt.Println(web.Host, web.ZK.(*ZK).ZKPath, time.Duration(web.Checks[0].Wait))
	// Output:
	// warning: nerve.yaml:5: services.web.chek_interval: unknown key
	// error: nerve.yaml:6: services.web.checks[0].rise: cannot use "abc" as an integer
	// 127.0.0.1 /nerve/web 250ms
}
