package watcher

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/smartstack-go/smartstack/internal/registry"
)

// Type is one discovery method: NewConfig returns a pointer to its own
// config section with defaults set (the config layer decodes the
// `discovery:` mapping into it), New builds a watcher for service from it.
type Type struct {
	NewConfig func() any
	New       func(service string, cfg any, opts Options) (Watcher, error)
}

var types = registry.New[Type]("discovery method")

// Register makes a discovery method available; a duplicate name panics, as
// two packages claiming one method is a build mistake.
func Register(method string, t Type) {
	if t.NewConfig == nil || t.New == nil {
		panic("watcher: incomplete registration of method " + method)
	}
	types.Register(method, t)
}

// RegisterType is Register for the usual watcher package: newConfig
// returns its *C with defaults set, newWatcher builds from it.
func RegisterType[C any](method string, newConfig func() *C, newWatcher func(service string, cfg any, opts Options) (Watcher, error)) {
	Register(method, Type{NewConfig: func() any { return newConfig() }, New: newWatcher})
}

// Lookup returns a registered method. Names are exact: the config layer
// lower-cases `discovery.method` before looking it up, as the original does.
func Lookup(method string) (Type, bool) { return types.Lookup(method) }

// Methods lists the registered methods, sorted.
func Methods() []string { return types.Names() }

// New builds a watcher of the named method from its decoded config.
func New(method, service string, cfg any, opts Options) (Watcher, error) {
	t, ok := Lookup(method)
	if !ok {
		return nil, fmt.Errorf("service %s: unknown discovery method %q, known: %s",
			service, method, strings.Join(Methods(), ", "))
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	w, err := t.New(service, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("service %s: discovery method %s: %w", service, method, err)
	}
	return w, nil
}

// NewConfigs maps every method to its NewConfig, the shape
// config.DecodeTyped takes.
func NewConfigs() map[string]func() any {
	out := map[string]func() any{}
	for _, m := range Methods() {
		t, _ := Lookup(m)
		out[m] = t.NewConfig
	}
	return out
}
