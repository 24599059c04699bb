package template

import (
	"fmt"
	"os"
	"text/template"
	"time"

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
	Mode           config.FileMode `yaml:"mode"`
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
// An entry without mode gets mode (the top-level file_mode, else 0644).
func buildOutput(i int, r rawOutput, path string, mode os.FileMode) (*output, error) {
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
		commandTimeout: time.Duration(r.CommandTimeout), mode: mode}
	if o.mode == 0 {
		o.mode = 0o644
	}
	if r.Mode.Set {
		if err := config.CheckOwnerRW(r.Mode.Mode); err != nil {
			return nil, fmt.Errorf("%s: mode: %w", label, err)
		}
		o.mode = r.Mode.Mode
	}
	if o.commandTimeout <= 0 {
		o.commandTimeout = DefaultCommandTimeout
	}
	return o, nil
}
