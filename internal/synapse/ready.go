package synapse

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// syncChecker is a generator that can tell whether what it wrote is in
// effect (the haproxy generator: HAProxy reloaded and runs it).
type syncChecker interface {
	InSync(ctx context.Context) error
}

// checkReady makes the daemon ready (READY=1, /ready 200) after the first
// successful Update of every generator, once every generator that can
// tell says its output is in effect: haproxy.cfg is written and HAProxy
// runs it. Called from the generator loop only.
func (d *Daemon) checkReady(ctx context.Context) {
	if d.life.Ready() {
		return
	}
	d.genMu.Lock()
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(d.gens)) {
		if c, ok := d.gens[name].(syncChecker); ok {
			if err := c.InSync(ctx); err != nil {
				errs = append(errs, fmt.Errorf("generator %s: %w", name, err))
			}
		}
	}
	d.genMu.Unlock()
	if err := errors.Join(errs...); err != nil {
		if st := "config written; waiting for it to take effect: " + err.Error(); st != d.readyWait {
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
