// Package generator holds synapse's output contract: a Generator turns the
// current backends of every service into something a proxy reads (haproxy,
// file_output). A top-level config key names a generator and enables it, as
// in the original.
package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/registry"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Service is what a generator sees of one service: a plain struct, so that
// generators need not import the synapse core (which imports them).
type Service struct {
	Name string
	// Backends are after label filters and leader election. The slice is
	// shared with synapse's state: read it, never modify it.
	Backends []registration.Backend
	// Config is this generator's per-service section as its Normalize
	// returned it; nil when the service has none.
	Config   any
	Revision uint64
}

// Generator is one output. The synapse loop calls it from one goroutine.
type Generator interface {
	// Name is the top-level config key ("haproxy", "file_output").
	Name() string
	// Normalize decodes and fills defaults for a service's section of this
	// generator, from the config file or from discovery (ZooKeeper). A nil
	// node means the service has no section. Errors name the bad key.
	Normalize(service string, section *yaml.Node) (any, error)
	// Update brings the output in line with services, sorted by name.
	Update(ctx context.Context, services []Service) error
	// Tick runs periodic work (rate-limited reloads) about once a second.
	Tick(ctx context.Context) error
}

// ErrReported is what a Type's New returns when it has recorded every
// problem of its section in the Decoder, each at its own key: the caller
// has nothing to add.
var ErrReported = errors.New("generator section has errors")

// SectionDecoder is implemented by generators whose per-service sections
// the config loader decodes through its own Decoder, so that unknown keys
// and bad values are reported with the file, line and key path, as
// warnings and errors of the config file. Normalize, which also serves
// sections discovered at run time, has only a log to tell.
type SectionDecoder interface {
	// DecodeSection decodes a service's section (nil when the service has
	// none) at path, recording problems in d, and returns what Normalize
	// would.
	DecodeSection(d *config.Decoder, service string, section *yaml.Node, path string) any
}

// SectionPath is the key path of a service's section of a generator.
func SectionPath(service, generator string) string {
	return config.KeyPath(config.KeyPath("services", service), generator)
}

// Options carries what the daemon shares with every generator.
type Options struct {
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	// FileMode is the top-level file_mode: the exact permission bits of
	// every file a generator writes. Zero keeps each generator's default
	// (see docs/security.md).
	FileMode fs.FileMode
	// Once is set by `synapse --once`: write the outputs, but leave the
	// running proxy alone (no runtime API, no reload).
	Once bool
	// DryRun, with Once, writes nothing at all, not even a file's mode:
	// only Previewers are called.
	DryRun bool
}

// Previewer is a generator that can render its main output without
// writing it, for `synapse --once --dry-run`.
type Previewer interface {
	// Preview returns what Update would write, and where.
	Preview(ctx context.Context, services []Service) (path string, content []byte, err error)
}

// Flusher is a generator whose output may lag a moment behind the running
// proxy (haproxy.cfg after a change the runtime API applied in full):
// Flush brings it up to date. The daemon calls it when it stops, so a
// restart finds the file that matches the proxy.
type Flusher interface {
	Flush(ctx context.Context) error
}

// Preparer is a generator with work to do once before its first Update
// that needs no services (the haproxy generator asks `haproxy -v` which
// version it writes for). The daemon calls Prepare while discovery's
// first reads are still under way, so that the first Update, which
// start-up waits for, need not.
type Preparer interface {
	Prepare(ctx context.Context)
}

// Type is one generator kind: New decodes its top-level section (through the
// shared decoder, so unknown keys warn with their path) and builds it.
type Type struct {
	New func(d *config.Decoder, section *yaml.Node, path string, opts Options) (Generator, error)
}

var types = registry.New[Type]("generator")

// Register makes a generator available under its top-level key; duplicates panic.
func Register(name string, t Type) { types.Register(name, t) }

// Lookup returns a registered generator type.
func Lookup(name string) (Type, bool) { return types.Lookup(name) }

// Names lists the registered generators, sorted.
func Names() []string { return types.Names() }

// ErrUnknown is wrapped when a top-level key names no generator.
var ErrUnknown = fmt.Errorf("unknown config generator")

// UnknownError is the message for an unknown top-level key, listing what is known.
func UnknownError(name string, reserved []string) error {
	return fmt.Errorf("%w %q; known generators: %s; reserved keys: %s",
		ErrUnknown, name, strings.Join(Names(), ", "), strings.Join(reserved, ", "))
}

// Severity ranks a Problem.
type Severity int

// Info is said and never fails a check; Warning fails `synapse -k
// --strict`; Error fails `synapse -k`.
const (
	Info Severity = iota
	Warning
	Error
)

// Problem is one finding of a Checker, naming the config key at fault
// when it is known.
type Problem struct {
	Severity Severity
	Message  string
}

// Checker is a generator that can check, without touching the running
// proxy or its files, what it would write for services: `synapse -k`.
type Checker interface {
	// Check returns what is wrong with the output; the error is a config
	// the generator cannot render at all.
	Check(ctx context.Context, services []Service) ([]Problem, error)
}
