package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// A cut-down nerve schema: the shapes the daemons' config packages will use.
type tConfig struct {
	InstanceID     string              `yaml:"instance_id"`
	ServiceConfDir string              `yaml:"service_conf_dir"`
	Services       map[string]tService `yaml:"services"`
	Statsd         tStatsd             `yaml:"statsd"`
	Ratio          float64             `yaml:"ratio"`
	Count          uint8               `yaml:"count"`
	Private        tOpen               `yaml:"private" config:"open"`
}

type tStatsd struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port"`
}

type tOpen struct {
	Known  string  `yaml:"known"`
	Nested tStatsd `yaml:"nested"`
}

type tService struct {
	Host          string         `yaml:"host"`
	Port          any            `yaml:"port"` // reported as given
	CheckInterval Duration       `yaml:"check_interval"`
	CheckMocked   bool           `yaml:"check_mocked"`
	Checks        []tCheck       `yaml:"checks"`
	Labels        map[string]any `yaml:"labels"`
	ZKHosts       []string       `yaml:"zk_hosts"`
	Weight        *int           `yaml:"weight"`
	Raw           yaml.Node      `yaml:"raw"`
}

type tCommon struct {
	Type    string   `yaml:"type"`
	Timeout Duration `yaml:"timeout"`
	Rise    int      `yaml:"rise"`
	Fall    int      `yaml:"fall"`
}

type tCheck struct {
	tCommon `yaml:",inline"`
	URI     string            `yaml:"uri"`
	Headers map[string]string `yaml:"headers"`
}

// tDefaulted sets defaults through the Unmarshaler hook.
type tDefaulted struct {
	Rise    int      `yaml:"rise"`
	Timeout Duration `yaml:"timeout"`
}

func (c *tDefaulted) UnmarshalConfig(d *Decoder, n *yaml.Node, path string) error {
	*c = tDefaulted{Rise: 1, Timeout: Duration(100 * time.Millisecond)}
	type plain tDefaulted
	d.Decode(n, path, (*plain)(c))
	if c.Rise < 1 {
		d.Errorf(n, KeyPath(path, "rise"), "rise must be >= 1")
	}
	return nil
}

type tWithInlineMap struct {
	Name string         `yaml:"name"`
	Rest map[string]any `yaml:",inline"`
}

// errorLines returns the Error() of every joined error, in order.
func errorLines(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, errorLines(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

func warningLines(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got: %q\nwant: %q", what, got, want)
	}
}

// asError returns the first *Error in err.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) holds no *Error", err, err)
	}
	return e
}
