// Package template is synapse's `template` generator: Go text/template
// files rendered from every service's backends, in the spirit of
// consul-template, for proxies other than HAProxy (nginx, envoy's static
// files) and for tools that want their own format. Each output is written
// atomically and only when its bytes change, then its optional command
// (a reload) runs.
package template

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
)

// Name is the top-level config key that enables this generator.
const Name = "template"

func init() {
	generator.Register(Name, generator.Type{New: New})
}

// ServiceConfig is a service's normalised template section: as for
// file_output, a service without a section is included and
// `disabled: true` leaves it out.
type ServiceConfig = generator.Toggle

// Generator renders the outputs. It is driven by one goroutine.
type Generator struct {
	generator.ToggleSections
	outputs []*output
	log     *slog.Logger
	// pending marks outputs whose file changed but whose command failed:
	// the next Update runs the command again even if the bytes match.
	pending map[int]bool
}

var (
	_ generator.Generator      = (*Generator)(nil)
	_ generator.SectionDecoder = (*Generator)(nil)
)

// New builds the generator from its top-level section; it is the
// generator.Type constructor.
func New(d *config.Decoder, section *yaml.Node, path string, opts generator.Options) (generator.Generator, error) {
	var raw rawConfig
	before := d.ErrorCount()
	d.Decode(section, path, &raw)
	if d.ErrorCount() > before {
		return nil, generator.ErrReported
	}
	if len(raw.Outputs) == 0 {
		d.Errorf(section, config.KeyPath(path, "outputs"), "missing or empty; want a list of {template or text, path}")
		return nil, generator.ErrReported
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("generator", Name)
	g := &Generator{ToggleSections: generator.ToggleSections{GeneratorName: Name, Log: log}, log: log, pending: map[int]bool{}}
	failed := false
	for i, r := range raw.Outputs {
		o, err := buildOutput(i, r, path, opts.FileMode)
		if err != nil {
			// The message starts with the entry's key path and file.
			d.Errorf(config.Index(config.Lookup(section, "outputs"), i), "", "%v", err)
			failed = true
			continue
		}
		g.outputs = append(g.outputs, o)
	}
	if failed {
		return nil, generator.ErrReported
	}
	return g, nil
}

// Update implements generator.Generator: every output is rendered from
// the same data; one failing output does not stop the others.
func (g *Generator) Update(ctx context.Context, services []generator.Service) error {
	data := buildData(services)
	var errs []error
	for i, o := range g.outputs {
		if err := g.updateOutput(ctx, i, o, data); err != nil {
			g.log.Error("template output failed; retrying on the next update", "output", o.label, "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", o.label, err))
		}
	}
	return errors.Join(errs...)
}

func (g *Generator) updateOutput(ctx context.Context, i int, o *output, data Data) error {
	var buf bytes.Buffer
	if err := o.tmpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	changed, err := atomicfile.WriteIfChanged(o.path, buf.Bytes(), atomicfile.Options{Perm: o.mode})
	if err != nil {
		return err
	}
	if changed {
		g.log.Info("template output written", "output", o.label, "bytes", buf.Len())
		g.pending[i] = o.command != ""
	}
	if !g.pending[i] {
		return nil
	}
	if err := runCommand(ctx, o.command, o.commandTimeout); err != nil {
		return err
	}
	delete(g.pending, i)
	return nil
}

// Tick implements generator.Generator; failed commands are retried by the
// next Update, not on a timer.
func (g *Generator) Tick(context.Context) error { return nil }
