// Package exec implements the `exec` check, our answer to the requests for
// custom checks without forking nerve (airbnb/nerve#36, #65): run a
// command, healthy when it exits 0. The original had no such type; its
// plugin mechanism loaded Ruby code, which a Go binary cannot.
//
// `command` is either a list, run as argv without a shell, or a single
// string, run with `/bin/sh -c` so that pipes and `&&` work as a user typing
// it would expect. The command gets nerve's environment plus NERVE_SERVICE,
// NERVE_HOST and NERVE_PORT. `timeout` (the common key, 0.1 s unless set:
// set it for anything slower than a tiny script) kills the whole process
// group, so a shell's children die with it.
package exec

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/check"
)

// Config is the exec check's own section.
type Config struct {
	Command Command `yaml:"command"`
}

// Command is `command`: one string, run by /bin/sh -c, or a list of
// strings, run as argv. List items are taken as written, so `[sleep, 5]` and
// `[true]` mean what they say although YAML reads 5 as a number and true as
// a boolean.
type Command struct {
	Argv  []string
	Shell bool // given as one string
}

// UnmarshalYAML accepts both forms of Command.
func (c *Command) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*c = Command{Argv: []string{n.Value}, Shell: true}
		return nil
	case yaml.SequenceNode:
		argv := make([]string, 0, len(n.Content))
		for i, item := range n.Content {
			if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!null" {
				return fmt.Errorf("command[%d] must be a string", i)
			}
			argv = append(argv, item.Value)
		}
		*c = Command{Argv: argv}
		return nil
	default:
		return fmt.Errorf("command must be a string or a list of strings")
	}
}

// Check runs one command per round.
type Check struct {
	argv    []string
	display string // the command as configured, for errors
	env     []string
	timeout time.Duration
}

func init() { check.Register("exec", New) }

// New builds an exec check. A port is not required.
func New(c check.Common, decode check.Decoder) (check.Check, error) {
	var cfg Config
	if decode != nil {
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("exec check: %w", err)
		}
	}
	argv, display, err := parseCommand(cfg.Command)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "NERVE_SERVICE="+c.Service, "NERVE_HOST="+c.Host)
	if c.Port > 0 {
		env = append(env, "NERVE_PORT="+strconv.Itoa(c.Port))
	}
	return &Check{argv: argv, display: display, env: env, timeout: c.Timeout}, nil
}

func parseCommand(c Command) (argv []string, display string, err error) {
	const missing = "missing required argument 'command' in exec check"
	switch {
	case len(c.Argv) == 0 || strings.TrimSpace(strings.Join(c.Argv, "")) == "":
		return nil, "", errors.New(missing)
	case c.Shell:
		return []string{"/bin/sh", "-c", c.Argv[0]}, c.Argv[0], nil
	case c.Argv[0] == "":
		return nil, "", errors.New(`exec check: command[0] must name a program, got ""`)
	default:
		return c.Argv, strings.Join(c.Argv, " "), nil
	}
}

var _ check.Check = (*Check)(nil)
