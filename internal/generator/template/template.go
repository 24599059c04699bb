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

// ServiceConfig is a service's normalised template section.
type ServiceConfig struct {
	Disabled bool `yaml:"disabled"`
}

// Generator renders the outputs. It is driven by one goroutine.
type Generator struct {
	outputs []*output
	log     *slog.Logger
	// pending marks outputs whose file changed but whose command failed:
	// the next Update runs the command again even if the bytes match.
	pending map[int]bool
}

var _ generator.Generator = (*Generator)(nil)

// New builds the generator from its top-level section; it is the
// generator.Type constructor.
func New(d *config.Decoder, section *yaml.Node, path string, opts generator.Options) (generator.Generator, error) {
	var raw rawConfig
	d.Decode(section, path, &raw)
	if len(raw.Outputs) == 0 {
		return nil, fmt.Errorf("%s: outputs: missing or empty; want a list of {template or text, path}", path)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g := &Generator{log: log.With("generator", Name), pending: map[int]bool{}}
	var errs []error
	for i, r := range raw.Outputs {
		o, err := buildOutput(i, r, path, opts.FileMode)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		g.outputs = append(g.outputs, o)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return g, nil
}

// Name implements generator.Generator.
func (g *Generator) Name() string { return Name }

// Normalize implements generator.Generator. As for file_output, a service
// without a section is included; `disabled: true` leaves it out.
func (g *Generator) Normalize(service string, section *yaml.Node) (any, error) {
	var sc ServiceConfig
	d := config.NewDecoder("")
	d.Decode(section, config.KeyPath(config.KeyPath("services", service), Name), &sc)
	for _, w := range d.Warnings() {
		g.log.Warn("service config warning", "warning", w.String())
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return sc, nil
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
