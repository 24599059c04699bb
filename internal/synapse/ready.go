package synapse

import (
	"fmt"
	"maps"
	"slices"
)

// pendingReloader is a generator that can say it still owes HAProxy a
// reload (the haproxy generator): until it has none, HAProxy does not run
// the config just written.
type pendingReloader interface {
	PendingReload() []string
}

// checkReady makes the daemon ready (READY=1, /ready 200) after the first
// successful Update of every generator, once no generator has a reload
// pending: haproxy.cfg is written and HAProxy runs it. Called from the
// generator loop only.
func (d *Daemon) checkReady() {
	if d.life.Ready() {
		return
	}
	d.genMu.Lock()
	var waiting []string
	for _, name := range slices.Sorted(maps.Keys(d.gens)) {
		if p, ok := d.gens[name].(pendingReloader); ok && len(p.PendingReload()) > 0 {
			waiting = append(waiting, name)
		}
	}
	d.genMu.Unlock()
	if len(waiting) > 0 {
		if st := fmt.Sprintf("config written; waiting for the reload of %v", waiting); st != d.readyWait {
			d.readyWait = st
			d.life.Status(st)
		}
		return
	}
	n := len(d.currentView().services)
	if d.life.MarkReady(fmt.Sprintf("serving: %d services, config written and in effect", n)) {
		d.log.Info("ready: the first config is written and in effect", "services", n)
	}
}

// Ready reports whether the daemon has been ready (see checkReady).
func (d *Daemon) Ready() bool { return d.life.Ready() }
