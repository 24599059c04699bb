package haproxy

import (
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// loadSlots reads the live config file, so a restart keeps each server
// in the slot (and cookie) HAProxy runs it in.
func (g *Generator) loadSlots() {
	if g.cfg.ServerSlots == 0 || g.cfg.ConfigFilePath == "" {
		return
	}
	text, err := readLive(g.cfg.ConfigFilePath)
	if err != nil {
		g.log.Warn("slot pools not read, they start afresh", "path", g.cfg.ConfigFilePath, "err", err)
		return
	}
	g.boot = stanza.Parse(StripHeader(text))
}

// lastBackends are the previous generation's backends, nil before the
// first.
func (g *Generator) lastBackends() map[string]*stanza.Backend {
	if g.last == nil {
		return nil
	}
	return g.last.Backends()
}

// slotBase is the previous generation's backends, else those of the file
// found at start.
func (g *Generator) slotBase() map[string]*stanza.Backend {
	if g.cfg.ServerSlots == 0 {
		return nil
	}
	if g.last == nil {
		return g.boot
	}
	return g.last.Backends()
}

// observeSlots sets the pool gauges from a generation's backends. The
// gauges are reset first, so a backend that stopped being a pool (or
// left) does not keep reporting its last pool.
func (g *Generator) observeSlots(backends map[string]*stanza.Backend) {
	g.m.slotPoolSize.Reset()
	g.m.slotPoolFree.Reset()
	for name, b := range backends {
		if p := b.Pool(); p != nil {
			g.setPoolGauges(name, p)
		}
	}
}

// setPoolGauges sets backend name's pool gauges from p; a nil p (no pool)
// removes them.
func (g *Generator) setPoolGauges(name string, p *stanza.Pool) {
	if p == nil {
		g.m.slotPoolSize.DeleteLabelValues(name)
		g.m.slotPoolFree.DeleteLabelValues(name)
		return
	}
	g.m.slotPoolSize.WithLabelValues(name).Set(float64(p.Size()))
	g.m.slotPoolFree.WithLabelValues(name).Set(float64(p.Free()))
}
