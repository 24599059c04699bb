package synapse

import "slices"

// viewPatch lets publish replace only the services whose state changed
// since the last view, instead of looking at every service: at 1,000
// services that walk (a map lookup and three pointers per service, mostly
// cache misses) was about half a millisecond of a lone change. It is the
// owner goroutine's, as publish is.
type viewPatch struct {
	dirty  []*entry
	from   *shape // the shape the published view was made with
	stamps uint64 // the last serviceView stamp handed out
}

// mark queues e's view for the next publish.
func (p *viewPatch) mark(e *entry) {
	if !e.dirty {
		e.dirty = true
		p.dirty = append(p.dirty, e)
	}
}

// apply returns prev with the marked services' views replaced, in a new
// list (a published view is never written). It declines (false) unless
// prev was made with sh and holds every service of it, ready, in order.
func (p *viewPatch) apply(d *Daemon, prev view) (view, bool) {
	sh := d.shape
	if p.from != sh || len(prev.services) != len(sh.names) {
		return view{}, false
	}
	v := prev
	v.services = slices.Clone(prev.services)
	for _, e := range p.dirty {
		i, ok := sh.index[e.spec.Name]
		if !ok || e.state == nil || d.services[e.spec.Name] != e {
			return view{}, false
		}
		v.services[i] = d.serviceView(e)
	}
	return v, true
}

// done forgets the marks once a view made with sh is published.
func (p *viewPatch) done(sh *shape) {
	for _, e := range p.dirty {
		e.dirty = false
	}
	clear(p.dirty)
	p.dirty, p.from = p.dirty[:0], sh
}
