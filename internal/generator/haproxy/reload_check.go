package haproxy

import (
	"context"
	"fmt"
	"time"
)

// reloadCheckTimeout bounds how long synapse waits, after reload_command
// succeeded, for a new HAProxy process to answer on the stats socket. A
// large config takes HAProxy a few seconds to load; one that never comes
// is a reload HAProxy refused.
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

// confirmReload waits until another process than before answers the stats
// socket. reload_command often only signals HAProxy (kill -USR2, a master
// CLI "reload", "systemctl reload"), which exits 0 whether or not HAProxy
// then takes the config: a master-worker HAProxy that refuses it logs
// "Loading failure!" and keeps the old worker, which this notices. Without
// a pid from before (no socket, HAProxy was not answering) there is
// nothing to compare and the exit status stands.
func (g *Generator) confirmReload(ctx context.Context, before int) error {
	if before == 0 {
		return nil
	}
	timeout := g.reloadCheck
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(reloadCheckPoll)
	defer t.Stop()
	var lastErr error
	for {
		info, err := g.clients[0].ShowInfo(ctx)
		switch {
		case err == nil && info.PID != 0 && info.PID != before:
			return nil
		case err == nil:
			lastErr = nil // the old process answers
		case ctx.Err() == nil:
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return fmt.Errorf("%w %s within %s after reload_command: %w",
					errReloadNoAnswer, g.clients[0].Path(), timeout, lastErr)
			}
			return fmt.Errorf("%w: process %d still serves %s after reload_command, HAProxy refused the new config",
				errReloadRefused, before, timeout)
		case <-t.C:
		}
	}
}

// failedWait is the wait before the next attempt after streak failed
// reloads in a row: the rate limit's, doubled per failure, so a config
// HAProxy keeps refusing does not reload it every few seconds.
func (g *Generator) failedWait(streak int) time.Duration {
	return g.reloadWait() * time.Duration(min(1<<min(streak, 6), maxReloadBackoff))
}
