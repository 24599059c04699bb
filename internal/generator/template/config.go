package template

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// DefaultCommandTimeout bounds an output's command: a hung reload script
// must not stall every later update.
const DefaultCommandTimeout = 30 * time.Second

type rawConfig struct {
	Outputs []rawOutput `yaml:"outputs"`
}

type rawOutput struct {
	Template       string          `yaml:"template"`
	Text           string          `yaml:"text"`
	Path           string          `yaml:"path"`
	Command        string          `yaml:"command"`
	CommandTimeout config.Duration `yaml:"command_timeout"`
	Mode           fileMode        `yaml:"mode"`
}

// fileMode reads its scalar's text as octal digits, like chmod, whatever
// the YAML or JSON type: 0644, "0644", 644 and 0o644 are all rw-r--r--.
type fileMode struct {
	mode os.FileMode
	set  bool
}

// UnmarshalConfig implements config.Unmarshaler.
func (m *fileMode) UnmarshalConfig(_ *config.Decoder, n *yaml.Node, _ string) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be an octal file mode such as 0644")
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(n.Value, "0o"), 8, 32)
	if err != nil || v > 0o777 {
		return fmt.Errorf("%q is not an octal file mode such as 0644", n.Value)
	}
	*m = fileMode{mode: os.FileMode(v), set: true}
	return nil
}

// output is one validated outputs entry.
type output struct {
	label          string // outputs[i] (path), for errors and logs
	tmpl           *template.Template
	path           string
	command        string
	commandTimeout time.Duration
	mode           os.FileMode
}

// buildOutput validates one entry and parses its template, so a bad
// template is a config error at start-up rather than at the first update.
func buildOutput(i int, r rawOutput, path string) (*output, error) {
	label := fmt.Sprintf("%s[%d]", config.KeyPath(path, "outputs"), i)
	if r.Path == "" {
		return nil, fmt.Errorf("%s: path: missing; want the file to write", label)
	}
	label += " (" + r.Path + ")"
	src, name := r.Text, "text"
	switch {
	case (r.Template == "") == (r.Text == ""):
		return nil, fmt.Errorf("%s: want exactly one of template (a file) or text (inline)", label)
	case r.Template != "":
		b, err := os.ReadFile(r.Template)
		if err != nil {
			return nil, fmt.Errorf("%s: template: %w", label, err)
		}
		src, name = string(b), r.Template
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(funcs).Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%s: bad template: %w", label, err)
	}
	o := &output{label: label, tmpl: t, path: r.Path, command: r.Command,
		commandTimeout: time.Duration(r.CommandTimeout), mode: 0o644}
	if r.Mode.set {
		o.mode = r.Mode.mode
	}
	if o.commandTimeout <= 0 {
		o.commandTimeout = DefaultCommandTimeout
	}
	return o, nil
}
