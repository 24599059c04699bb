package haproxy

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
)

// saveServerState dumps "show servers state" of the first socket to
// server_state_file just before a reload, so the new workers start with
// the old ones' health, admin state and weights. A failure is logged: the
// reload still runs, as it would without the file. Live slots are saved
// at the address of the config being loaded (withConfigAddrs).
func (g *Generator) saveServerState(ctx context.Context) {
	if g.cfg.ServerStateFile == "" || len(g.clients) == 0 {
		return
	}
	state, err := g.clients[0].Run(ctx, "show servers state")
	if err == nil && g.last != nil && g.cfg.DoWrites {
		state = withConfigAddrs(state, g.last.Backends())
	}
	if err == nil {
		err = atomicfile.Write(g.cfg.ServerStateFile, []byte(state+"\n"), g.files)
	}
	if err != nil {
		g.log.Warn("server state not saved before the reload", "path", g.cfg.ServerStateFile, "err", err)
	}
}
