package haproxy

import (
	"context"
	"time"
)

// reloadCheckTimeout bounds how long synapse looks, after reload_command
// succeeded, for a new HAProxy process to answer on the stats socket
// (reload_confirm.go). A large config takes HAProxy a few seconds to load;
// one that never comes is a reload HAProxy refused. reload_command often
// only signals HAProxy (kill -USR2, a master CLI "reload", "systemctl
// reload"), which exits 0 whether or not HAProxy then takes the config: a
// master-worker HAProxy that refuses it logs "Loading failure!" and keeps
// the old worker, which the check notices. Without a pid from before (no
// socket, HAProxy was not answering) there is nothing to compare and the
// exit status stands.
const reloadCheckTimeout = 10 * time.Second

// reloadCheckPoll is how often the socket is asked meanwhile.
const reloadCheckPoll = 50 * time.Millisecond

// maxReloadBackoff caps the doubling of the wait after failed reloads, as
// a multiple of the rate limit's wait.
const maxReloadBackoff = 32

// servingPID is the pid of the HAProxy process answering the first stats
// socket, 0 when none answers (no socket, HAProxy down, socket removed).
func (g *Generator) servingPID(ctx context.Context) int {
	if !g.cfg.DoSocket || len(g.clients) == 0 {
		return 0
	}
	info, err := g.clients[0].ShowInfo(ctx)
	if err != nil || info.PID == 0 {
		return 0
	}
	return info.PID
}

// failedWait is the wait before the next attempt after streak failed
// reloads in a row: the rate limit's, doubled per failure, so a config
// HAProxy keeps refusing does not reload it every few seconds.
func (g *Generator) failedWait(streak int) time.Duration {
	return g.reloadWait() * time.Duration(min(1<<min(streak, 6), maxReloadBackoff))
}
