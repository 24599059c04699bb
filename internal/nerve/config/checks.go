package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/internal/config"
)

// checkKeys are the keys every check has (docs/nerve.md, Check keys); the type's
// own keys share the mapping and are decoded by check.New's Decoder.
type checkKeys struct {
	Type    string          `yaml:"type"`
	Name    string          `yaml:"name"`
	Host    string          `yaml:"host"`
	Port    portValue       `yaml:"port"`
	Timeout config.Duration `yaml:"timeout" config:"to_f"`
	Rise    int             `yaml:"rise" config:"to_i"`
	Fall    int             `yaml:"fall" config:"to_i"`
	// Module is the library the original loads for a type it does not
	// know. Accepted so configs that name one still load when the type is
	// built in; plugins cannot be loaded into a Go binary.
	Module string `yaml:"module"`
}

// DefaultCheckTimeout is a check's timeout unless configured, for every
// type (exec included: its package documents that slow commands must set it).
const DefaultCheckTimeout = 100 * time.Millisecond

// errDecoded stops check.New after its Decoder reported problems, which
// are recorded already.
var errDecoded = errors.New("check config has errors")

func (l *loader) buildChecks(s *draft, svc Service, report bool) []CheckSpec {
	d := l.d
	if !report {
		d = config.NewDecoder("")
	}
	var out []CheckSpec
	for i, n := range s.checks {
		path := config.IndexPath(config.KeyPath(s.path, "checks"), i)
		if c, ok := l.buildCheck(d, report, svc, n, path); ok {
			out = append(out, c)
		}
	}
	return out
}

func (l *loader) buildCheck(d *config.Decoder, report bool, svc Service, n *yaml.Node, path string) (CheckSpec, bool) {
	fail := func(at *yaml.Node, path string, err error) {
		if report {
			l.fail(at, path, err)
		}
	}
	ck, ok := readCheck(d, n, path, fail)
	if !ok {
		return CheckSpec{}, false
	}
	c := common(ck, svc)
	chk, err := newCheck(d, c, n, path)
	switch {
	case err == nil:
		return CheckSpec{Common: c, Check: chk, Module: ck.Module}, true
	case errors.Is(err, check.ErrUnknownType) && ck.Module != "":
		err = fmt.Errorf("%w (module %q cannot be loaded: check types are compiled into this nerve, there are no plugins)", err, ck.Module)
		fail(lookup(n, "type"), config.KeyPath(path, "type"), err)
	case errors.Is(err, check.ErrUnknownType):
		fail(lookup(n, "type"), config.KeyPath(path, "type"), err)
	case errors.Is(err, check.ErrMissingPort) && ck.Port.IsZero() && svc.Port.IsZero():
		// The service's own port is missing or invalid, which is reported
		// there: the check that would inherit it says nothing more.
	case !errors.Is(err, errDecoded):
		fail(n, path, err)
	}
	return CheckSpec{}, false
}

// readCheck reads the common keys, with defaults, and reports what makes a
// check impossible to build. d only reports here when the check stops.
func readCheck(d *config.Decoder, n *yaml.Node, path string, fail func(*yaml.Node, string, error)) (checkKeys, bool) {
	ck := checkKeys{Timeout: config.Duration(DefaultCheckTimeout), Rise: 1, Fall: 1}
	if isNull(n) {
		fail(n, path, errors.New("empty check, want a mapping with at least a type"))
		return ck, false
	}
	config.NewDecoder("").Decode(n, path, &ck) // newCheck decodes again, reporting
	if config.Resolve(n).Kind != yaml.MappingNode || ck.Type == "" {
		d.Decode(n, path, &checkKeys{}, quiet()) // the type's keys are unknown, not wrong
		if config.Resolve(n).Kind == yaml.MappingNode {
			fail(n, path, fmt.Errorf("missing required argument 'type' in check; valid types: %s", strings.Join(check.Types(), ", ")))
		}
		return ck, false
	}
	// Negative rise or fall fails the load but the check is still built,
	// to report its other problems.
	for _, k := range []struct {
		key string
		v   int
	}{{"rise", ck.Rise}, {"fall", ck.Fall}} {
		if k.v < 0 {
			fail(lookup(n, k.key), config.KeyPath(path, k.key), fmt.Errorf("must not be negative, got %d", k.v))
		}
	}
	return ck, true
}

// newCheck builds the check, decoding its mapping (common keys and the
// type's own, together, so that a key is unknown only if neither knows it)
// through d. errDecoded means d has recorded the problems.
func newCheck(d *config.Decoder, c check.Common, n *yaml.Node, path string) (check.Check, error) {
	called := false
	decode := func(into any) error {
		called = true
		before := errCount(d)
		d.Decode(n, path, &checkKeys{}, into)
		if errCount(d) > before {
			return errDecoded
		}
		return nil
	}
	chk, err := check.New(c, decode)
	if !called {
		// noop and base take no keys of their own; an unknown type's keys
		// cannot be judged.
		outs := []any{&checkKeys{}}
		if errors.Is(err, check.ErrUnknownType) {
			outs = append(outs, quiet())
		}
		d.Decode(n, path, outs...)
	}
	return chk, err
}

// common applies the service's defaults to a check's common keys: host and
// port, and the name "<service> <type>-<host>:<port>" (with the port as
// written, as Ruby interpolates it).
func common(ck checkKeys, svc Service) check.Common {
	c := check.Common{
		Type: ck.Type, Name: ck.Name, Service: svc.Name, Host: ck.Host,
		Timeout: time.Duration(ck.Timeout), Rise: ck.Rise, Fall: ck.Fall,
	}
	if c.Host == "" {
		c.Host = svc.Host
	}
	port := ck.Port.Port
	if port.IsZero() {
		port = svc.Port
	}
	if n, err := port.Int(); err == nil {
		c.Port = n
	}
	if c.Name == "" {
		c.Name = fmt.Sprintf("%s %s-%s:%s", svc.Name, c.Type, c.Host, port.String())
	}
	return c
}

func errCount(d *config.Decoder) int {
	return len(config.Unjoin(d.Err()))
}
