package plan

import (
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// Chooser picks each managed backend's mechanism. It remembers each
// stanza's Refusal: stanzas live as long as the render memo keeps them,
// and reading every server of 50,000 for refused keywords on every update
// was most of a lone change's plan.
type Chooser struct {
	// Defaults are the defaults section's lines; Off is dynamic_servers:
	// off, which keeps every backend on the reload path.
	Defaults []string
	Off      bool

	refusals map[*stanza.Backend]string
}

// SlotsChoice is the Choice of a slot backend.
const SlotsChoice = "slots"

// Choose sets the mechanism of each backend of want rendered in cur:
// slots for a slot pool, dynamic when Refusal finds nothing, else the
// reload path. old is the previous generation, slotBase what slot refills
// are planned against (the previous generation, else the file at start).
// It tells note, when not nil, each choice in backend order ("" dynamic,
// SlotsChoice, else the refusal), for the caller to log.
func (c *Chooser) Choose(want Wants, cur, old, slotBase map[string]*stanza.Backend, note func(backend, why string)) {
	if c.Off || cur == nil {
		return
	}
	seen := make(map[*stanza.Backend]string, len(want))
	c.choose(want, cur, old, slotBase, note, seen)
	c.refusals = seen
}

// Update is Choose for part of the wants: the backends whose stanzas are
// new since the last Choose or Update, the others keeping theirs. The
// refusals remembered of the stanzas they replace (old's) are forgotten,
// so that what is remembered stays what Choose of every backend would
// leave, at the cost of the changed backends only.
func (c *Chooser) Update(part Wants, cur, old, slotBase map[string]*stanza.Backend, note func(backend, why string)) {
	if c.Off || cur == nil {
		return
	}
	if c.refusals == nil {
		c.refusals = map[*stanza.Backend]string{}
	}
	c.choose(part, cur, old, slotBase, note, c.refusals)
	for name := range part {
		if ob := old[name]; ob != nil && ob != cur[name] {
			delete(c.refusals, ob)
		}
	}
}

// refusal is Refusal(rb), read from its servers whose lines old (the
// backend's previous stanza) does not have when old's refusal is known to
// be none with the same backend lines: the others passed then, and pass
// again, so the first server refused is the same. A lone change among 50
// servers then reads one server's words instead of 50's.
func (c *Chooser) refusal(rb, old *stanza.Backend) string {
	r, ok := c.refusals[old]
	if old == nil || !ok || r != "" || !slices.Equal(rb.Lines, old.Lines) {
		return Refusal(rb, c.Defaults)
	}
	for _, name := range rb.Order {
		s := rb.Servers[name]
		if was, ok := old.Servers[name]; ok && was.Line == s.Line {
			continue
		}
		if r := serverRefusal(name, s); r != "" {
			return r
		}
	}
	return ""
}

// choose sets the mechanisms of want's backends, adding the refusal of
// each stanza read to seen.
func (c *Chooser) choose(want Wants, cur, old, slotBase map[string]*stanza.Backend, note func(backend, why string), seen map[*stanza.Backend]string) {
	if note == nil {
		note = func(string, string) {}
	}
	for _, name := range want.Names() {
		d, rb := want[name], cur[name]
		if d.Disabled || rb == nil {
			continue
		}
		if rb.Pool() != nil {
			note(name, SlotsChoice)
			d.useSlots(rb, slotBase[name])
			continue
		}
		r, ok := c.refusals[rb]
		if !ok {
			r = c.refusal(rb, old[name])
		}
		seen[rb] = r
		note(name, r)
		if r == "" {
			d.Mech, d.Stanza, d.Old = Dynamic, rb, old[name]
		}
	}
}
