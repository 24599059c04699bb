package synapse

import (
	"maps"
	"slices"
	"time"

	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/version"
)

// pingWatchers is the original's per-loop `ping?`, reported as
// synapse.watcher.ping.count once per watcher per tick. A watcher that is
// not running (failed, waiting for its restart) pings "failure"; the
// original exited the process at that point, we keep serving the last
// good backends.
func (d *Daemon) pingWatchers() {
	sd := d.m.statsd()
	if sd == nil {
		return
	}
	v := d.currentView()
	for _, name := range slices.Sorted(maps.Keys(v.health)) {
		result := "success"
		if !v.health[name].healthNow().Running {
			result = "failure"
		}
		sd.Incr("synapse.watcher.ping.count", statsd.Tag("watcher_name", name),
			statsd.Tag("ping_result", result), statsd.Tag("synapse_version", version.Version))
	}
}

// observeMainLoop reports how long the generator loop ran. The original
// wraps its whole endless main loop in one statsd timer, so the metric is
// sent once, when synapse stops, just before synapse.stop.
func (d *Daemon) observeMainLoop(started time.Time) {
	d.m.statsd().Timing("synapse.main_loop.elapsed_time", time.Since(started))
}
