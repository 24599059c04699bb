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
// failed render or write leaves the live file alone.
func (g *Generator) generate(ctx context.Context, res *Result, err error) error {
	if err != nil {
		g.log.Error("haproxy config not generated, keeping the current one", "err", err)
		return fmt.Errorf("haproxy generator: %w", err)
	}
	g.ids = res.ServerIDs
	g.reloads.addAll(plan.Unapplied(res.Changes, g.applied))
	text := g.bodyOf(res)
	if text != g.lastText {
		g.logRender(res)
	}
	// Without writes the previous generation is the baseline; the first
	// one has none, and the initial reload stands for it.
	old, changed := g.lastText, g.lastText != "" && text != g.lastText
	if g.cfg.DoWrites {
		old, changed, err = g.writeConfig(ctx, res, text)
		if changed {
			// The same body, but the one the live file now holds: only
			// one copy of the text stays.
			text = StripHeader(res.Text)
		}
	}
	shrunk := plan.Shrunk(g.slotBase(), res.Backends())
	prev, prevText := g.last, g.lastText
	g.lastText, g.last, g.boot = text, res, nil
	if !changed {
		if prev == nil && g.cfg.DoWrites && err == nil {
			g.skipInitialReload(ctx, res.Layout)
		}
		return err
	}
	g.diffReasons(plan.Diff(diffBase(old, prev, prevText), res.Layout, g.applied))
	for _, r := range shrunk {
		g.log.Info("slot pool shrinks, the free slots after a burst go with a reload", "detail", r.Detail)
	}
	g.reloads.addAll(shrunk)
	return err
}

// bodyOf is res's text without its header line. When it is the previous
// generation's, found chunk by chunk, that is g.lastText itself and res
// is not joined: at 50,000 servers joining the 3.4 MB text allocated and
// copied it on every update. Otherwise res is joined.
func (g *Generator) bodyOf(res *Result) string {
	if g.last != nil && g.lastText != "" && res.SameBody(g.last) {
		return g.lastText
	}
	res.Join()
	return StripHeader(res.Text)
}

// diffBase is the reload diff's reading of old: those of prev (the
// previous generation, whose text is prevText), built as it was rendered,
// when old is its text (the common case); else old is a file synapse did
// not write, or whose install failed, read afresh.
func diffBase(old string, prev *Result, prevText string) plan.Config {
	old = StripHeader(old)
	if prev != nil && old == prevText {
		return prev.Layout
	}
	return plan.Split(old)
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

// writeConfig installs res's text, whose body (header line stripped) is
// stripped, unless the live file holds the same config (ignoring the
// timestamp header). It returns the previous live text and whether the
// file was replaced. A config check_command refused is not checked again
// until the config changes.
func (g *Generator) writeConfig(ctx context.Context, res *Result, stripped string) (string, bool, error) {
	path := g.cfg.ConfigFilePath
	old, err := g.live.read(path)
	if err != nil {
		g.log.Error("haproxy config not written", "path", path, "err", err)
		return "", false, fmt.Errorf("haproxy generator: %w", err)
	}
	if StripHeader(old) == stripped {
		return old, false, nil
	}
	if stripped == g.refused {
		return old, false, nil
	}
	res.Join()
	text := res.Text
	if err := g.installConfig(ctx, text); err != nil {
		if errors.Is(err, errCheckFailed) {
			g.refused = stripped
		}
		g.log.Error("haproxy config not installed, keeping the live one", "path", path, "err", err)
		return old, false, fmt.Errorf("haproxy generator: %w", err)
	}
	g.live.installed(path, text)
	g.refused = ""
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
