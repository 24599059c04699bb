package haproxy

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
)

var _ generator.Previewer = (*Generator)(nil)

// onceConfig is cfg for `synapse --once`: the config file (checked by
// check_command, as always) and the state file are written, but the
// running HAProxy is neither told nor reloaded. The daemon started after
// it does both.
func onceConfig(cfg *Config) *Config {
	c := *cfg
	c.DoSocket, c.DoReloads = false, false
	return &c
}

// Preview renders the config Update would write for services, touching
// nothing: no file, no socket, no state of the generator's but the
// render memo and the HAProxy version it writes for.
func (g *Generator) Preview(ctx context.Context, services []generator.Service) (string, []byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	in, err := g.inputs(services)
	if err != nil {
		return "", nil, err
	}
	// Written for the installed HAProxy, as Update writes it.
	g.resolveTarget(ctx)
	res, err := render.Generate(Input{Config: g.cfg, Services: in, ServerIDs: g.ids, Seed: g.seed, Time: g.now(), SlotBase: g.slotBase(), Memo: g.memo, Target: g.target.version, FDLimit: fdLimit()})
	if err != nil {
		return "", nil, err
	}
	res.Join()
	return g.cfg.ConfigFilePath, []byte(res.Text), nil
}
