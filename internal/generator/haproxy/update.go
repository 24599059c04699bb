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
// copied it on every change. A change the sockets applied in full is not
// written here but at the next Tick or before a reload (deferWrite).
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
	shrunk := plan.Shrunk(g.slotBase(), res.Backends())
	var unapplied []plan.Reason
	if prev != nil && !same {
		unapplied = plan.Diff(prev.Layout, res.Layout, g.applied)
	}
	if g.deferWrite(prev, same, unapplied, shrunk) {
		g.last, g.boot, g.fileBehind = res, nil, true
		return nil
	}
	// Without writes the previous generation is the baseline; the first
	// one has none, and the initial reload stands for it.
	old, changed := liveConfig{res: prev}, prev != nil && !same
	if g.cfg.DoWrites {
		old, changed, err = g.writeConfig(ctx, res)
		if g.fileBehind {
			// HAProxy runs prev, which the file lagged behind: the
			// reasons are what prev to res did not apply, written or not.
			old, changed, g.fileBehind = liveConfig{res: prev}, !same, err != nil
		}
	}
	g.last, g.boot = res, nil
	if !changed {
		if prev == nil && g.cfg.DoWrites && err == nil {
			g.skipInitialReload(ctx, res.Layout)
		}
		return err
	}
	if old.res == prev && prev != nil {
		g.diffReasons(unapplied)
	} else {
		g.diffReasons(plan.Diff(old.layout(prev), res.Layout, g.applied))
	}
	for _, r := range shrunk {
		g.log.Info("slot pool shrinks, the free slots after a burst go with a reload", "detail", r.Detail)
	}
	g.reloads.addAll(shrunk)
	return err
}

// deferWrite reports whether this generation's file can wait: the
// sockets applied all of it (no line needs a reload, none is pending or
// being confirmed) and the file holds the previous generation or lags
// behind it only by such changes. The runtime already serves the change;
// the file matters only to a later reload or restart, and flushConfig
// writes it before any reload synapse runs, at the next Tick and when
// synapse stops. At 50,000 servers writing the 3.4 MB file took more
// CPU than the rest of an update; under churn one write per tick
// replaces one per change.
func (g *Generator) deferWrite(prev *Result, same bool, unapplied, shrunk []plan.Reason) bool {
	if !g.cfg.DoWrites || !g.cfg.DoSocket || prev == nil || len(unapplied) > 0 || len(shrunk) > 0 ||
		len(g.reloads.pending) > 0 || g.confirm != nil {
		return false
	}
	if g.fileBehind {
		return true
	}
	if same {
		return false // the write path checks the file is still the one written
	}
	live, err := g.live.read(g.cfg.ConfigFilePath)
	return err == nil && live.sameBody(prev)
}

// flushConfig writes the last generation when the file lags behind it
// (deferWrite). A refused or failed write is logged by writeConfig; a
// failed one is tried again at the next flush, a refused one not until
// the config changes, as on the update path.
func (g *Generator) flushConfig(ctx context.Context) error {
	if !g.fileBehind || g.last == nil {
		return nil
	}
	if _, _, err := g.writeConfig(ctx, g.last); err != nil {
		return err
	}
	g.fileBehind = false
	return nil
}

// Flush writes haproxy.cfg when it lags behind a change the sockets
// applied; the daemon calls it when it stops.
func (g *Generator) Flush(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.flushConfig(ctx)
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
