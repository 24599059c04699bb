package synapse

import (
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// genInput is the list servicesFor last gave one generator and the view's
// list it came from, so that the next update rebuilds only the entries
// whose view changed (a new stamp): building the whole list, a configs
// lookup per service, was about 0.4 ms of a lone change at 1,000
// services. A list handed to a generator is never written afterwards.
type genInput struct {
	from []serviceView
	pos  []int // for each of from, its place in out; -1 when left out
	out  []generator.Service
}

// inputFor is servicesFor(name, v) from the generator loop, under genMu.
func (d *Daemon) inputFor(name string, v view) []generator.Service {
	if d.genIn == nil {
		d.genIn = map[string]*genInput{}
	}
	c := d.genIn[name]
	if c == nil {
		c = new(genInput)
		d.genIn[name] = c
	}
	return c.update(name, v.services)
}

// update brings the list up to svs: entries of changed views replaced in
// a copy, the whole list rebuilt when the services or their membership
// changed.
func (c *genInput) update(name string, svs []serviceView) []generator.Service {
	if c.out == nil || len(c.from) != len(svs) {
		return c.rebuild(name, svs)
	}
	var out []generator.Service
	for i := range svs {
		s, was := &svs[i], &c.from[i]
		if s.stamp == was.stamp {
			continue
		}
		cfg, ok := s.configs[name]
		j := c.pos[i]
		if s.name != was.name || ok != (j >= 0) {
			return c.rebuild(name, svs)
		}
		if !ok {
			continue
		}
		if out == nil {
			out = slices.Clone(c.out)
		}
		out[j] = s.service(cfg)
	}
	c.from = svs
	if out != nil {
		c.out = out
	}
	return c.out
}

func (c *genInput) rebuild(name string, svs []serviceView) []generator.Service {
	c.from, c.pos = svs, make([]int, len(svs))
	c.out = make([]generator.Service, 0, len(svs))
	for i := range svs {
		cfg, ok := svs[i].configs[name]
		if !ok {
			c.pos[i] = -1
			continue
		}
		c.pos[i] = len(c.out)
		c.out = append(c.out, svs[i].service(cfg))
	}
	return c.out
}

func (s *serviceView) service(cfg any) generator.Service {
	return generator.Service{Name: s.name, Backends: s.backends, Config: cfg, Revision: s.revision}
}
