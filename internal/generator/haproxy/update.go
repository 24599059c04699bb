package haproxy

import (
	"context"
	"errors"
	"fmt"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
)

// generate renders the config and, with do_writes, installs it. What
// changed in a way the sockets cannot apply makes a reload pending. A
// failed render or write leaves the live file alone. The config is kept
// as render's lines only (Result), compared chunk by chunk and written
// from them: at 50,000 servers joining the 3.4 MB text allocated and
// copied it on every change.
func (g *Generator) generate(ctx context.Context, res *Result, err error) error {
	if err != nil {
		g.log.Error("haproxy config not generated, keeping the current one", "err", err)
		return fmt.Errorf("haproxy generator: %w", err)
	}
	g.ids = res.ServerIDs
	g.reloads.addAll(plan.Unapplied(res.Changes, g.applied))
	prev := g.last
	same := prev != nil && res.SameBody(prev)
	if !same {
		g.logRender(res)
	}
	// Without writes the previous generation is the baseline; the first
	// one has none, and the initial reload stands for it.
	old, changed := liveConfig{res: prev}, prev != nil && !same
	if g.cfg.DoWrites {
		old, changed, err = g.writeConfig(ctx, res)
	}
	shrunk := plan.Shrunk(g.slotBase(), res.Backends())
	g.last, g.boot = res, nil
	if !changed {
		if prev == nil && g.cfg.DoWrites && err == nil {
			g.skipInitialReload(ctx, res.Layout)
		}
		return err
	}
	g.diffReasons(plan.Diff(old.layout(prev), res.Layout, g.applied))
	for _, r := range shrunk {
		g.log.Info("slot pool shrinks, the free slots after a burst go with a reload", "detail", r.Detail)
	}
	g.reloads.addAll(shrunk)
	return err
}

// lastText is the last generated config, header stripped, joined afresh
// (the generator keeps its lines only); "" before the first.
func (g *Generator) lastText() string {
	if g.last == nil {
		return ""
	}
	return g.last.Body()
}

// logRender logs what the generation dropped or warned about, once per
// distinct config rather than on every update.
func (g *Generator) logRender(res *Result) {
	for _, d := range res.Dropped {
		g.log.Warn(fmt.Sprint(d))
	}
	for _, w := range res.Warnings {
		g.log.Warn(w)
	}
}

// writeConfig installs res's text unless the live file holds the same
// config (ignoring the timestamp header). It returns the previous live
// config and whether the file was replaced. A config check_command
// refused is not checked again until the config changes.
func (g *Generator) writeConfig(ctx context.Context, res *Result) (liveConfig, bool, error) {
	path := g.cfg.ConfigFilePath
	old, err := g.live.read(path)
	if err != nil {
		g.log.Error("haproxy config not written", "path", path, "err", err)
		return liveConfig{}, false, fmt.Errorf("haproxy generator: %w", err)
	}
	if old.sameBody(res) {
		g.live.holds(res)
		return old, false, nil
	}
	if g.refused != nil && res.SameBody(g.refused) {
		return old, false, nil
	}
	if err := g.installConfig(ctx, res); err != nil {
		if errors.Is(err, errCheckFailed) {
			g.refused = res
		}
		g.log.Error("haproxy config not installed, keeping the live one", "path", path, "err", err)
		return old, false, fmt.Errorf("haproxy generator: %w", err)
	}
	g.live.installed(path, liveConfig{res: res})
	g.refused = nil
	g.m.writes.Inc()
	g.log.Info("haproxy config written", "path", path)
	return old, true, nil
}

// updateState records the services in the state cache and writes it when
// it changed.
func (g *Generator) updateState(services []generator.Service) error {
	if g.state == nil {
		return nil
	}
	g.state.Observe(services, g.ids, g.now(), g.optWarn)
	return g.flushState()
}

// flushState expires old servers and writes the cache if due. A failed
// write is logged and retried; it does not stop synapse (the original
// exits).
func (g *Generator) flushState() error {
	if g.state == nil {
		return nil
	}
	now := g.now()
	g.state.Expire(now)
	if err := g.state.Flush(now, g.files); err != nil {
		g.log.Error("state file not written", "path", g.state.Path(), "err", err)
		return fmt.Errorf("haproxy generator: %w", err)
	}
	return nil
}
