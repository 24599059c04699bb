// Package fileoutput is synapse's file_output generator: one JSON file per
// service, <output_directory>/<service>.json, holding the service's backends
// exactly as the original writes them, for tools that
// read SmartStack state without HAProxy.
package fileoutput

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
)

// Name is the top-level config key that enables this generator.
const Name = "file_output"

func init() {
	generator.Register(Name, generator.Type{New: New})
}

// Config is the top-level file_output section.
type Config struct {
	// OutputDirectory receives the files; it is created (mkdir -p) by
	// NewGenerator.
	OutputDirectory string
	// FileMode is the files' exact mode; zero means 0644 minus the umask.
	FileMode fs.FileMode
}

// ServiceConfig is a service's normalised file_output section. The original
// reads no other key than `disabled`, and fills in {} for a service that
// does not mention file_output in its config file, so it is enabled.
type ServiceConfig = generator.Toggle

// Generator writes the files. Like every generator it is driven by one
// goroutine; it is not safe for concurrent use.
type Generator struct {
	generator.ToggleSections
	dir     string
	log     *slog.Logger
	metrics *metrics
	// written maps a service to the revision whose backends are known to be
	// on disk, so an update caused by another service does not re-read
	// every file (the original's @watcher_revisions). A service leaves the
	// map when its file is not ours to keep, and on a failed write, so the
	// next update retries it.
	written map[string]uint64
	files   atomicfile.Options
}

type rawConfig struct {
	OutputDirectory pathValue `yaml:"output_directory"`
}

// pathValue tells an absent (or null) key from one of the wrong type, which
// the decoder has already reported.
type pathValue struct {
	value            string
	present, invalid bool
}

// UnmarshalConfig implements config.Unmarshaler.
func (p *pathValue) UnmarshalConfig(_ *config.Decoder, n *yaml.Node, _ string) error {
	if n.Kind != yaml.ScalarNode {
		p.invalid = true
		return errors.New("must be a directory path, not a list or mapping")
	}
	*p = pathValue{value: n.Value, present: true}
	return nil
}

// New builds the generator from its top-level section; it is the
// generator.Type constructor. Unknown keys and type errors are recorded in
// d; the returned error says why no generator could be built.
func New(d *config.Decoder, section *yaml.Node, path string, opts generator.Options) (generator.Generator, error) {
	var raw rawConfig
	d.Decode(section, path, &raw)
	switch {
	case raw.OutputDirectory.invalid:
		return nil, generator.ErrReported // the decoder has said why
	case !raw.OutputDirectory.present:
		d.Errorf(section, path, "flat file generation requires an output_directory key")
		return nil, generator.ErrReported
	}
	g, err := NewGenerator(Config{OutputDirectory: raw.OutputDirectory.value, FileMode: opts.FileMode}, opts)
	if err != nil {
		key := config.KeyPath(path, "output_directory")
		d.Errorf(config.Lookup(section, "output_directory"), key, "%v", err)
		return nil, generator.ErrReported
	}
	return g, nil
}

// NewGenerator creates the output directory and the generator; with
// opts.DryRun it only checks that the directory could be created.
func NewGenerator(cfg Config, opts generator.Options) (*Generator, error) {
	if err := makeDir(cfg.OutputDirectory, opts.DryRun); err != nil {
		return nil, fmt.Errorf("provided output directory %s is not present or creatable: %w", cfg.OutputDirectory, err)
	}
	m, err := metricsFor(opts.Registerer)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("generator", Name)
	return &Generator{ToggleSections: generator.ToggleSections{GeneratorName: Name, Log: log},
		dir: cfg.OutputDirectory, log: log, metrics: m,
		written: map[string]uint64{}, files: fileOptions(cfg.FileMode)}, nil
}

// Tick implements generator.Generator; file_output has no periodic work.
func (g *Generator) Tick(context.Context) error { return nil }

var (
	_ generator.Generator      = (*Generator)(nil)
	_ generator.SectionDecoder = (*Generator)(nil)
)

// makeDir is mkdir -p dir (0o777 and the umask give the mode Ruby's
// FileUtils.mkdir_p gives). With dryRun it creates nothing and only
// refuses a dir whose nearest existing ancestor is not a directory.
func makeDir(dir string, dryRun bool) error {
	if !dryRun {
		return os.MkdirAll(dir, 0o777)
	}
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return nil
		case err == nil:
			return fmt.Errorf("%s: not a directory", p)
		case !errors.Is(err, fs.ErrNotExist):
			return err
		case p == filepath.Dir(p):
			return err
		}
	}
}
