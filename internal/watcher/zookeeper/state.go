package zookeeper

import (
	"fmt"
	"log/slog"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// state folds what a watcher has read into the Snapshot it sends next.
// Both methods use it: the watch method with ChildrenWatcher snapshots, the
// poll method with the result of each round.
type state struct {
	dec *decoder
	log *slog.Logger
	// parentConfig: generator config is the service znode's own data.
	parentConfig bool

	have     bool // a children result arrived
	backends []registration.Backend
	err      error
	existed  bool // the service znode has been seen
	gone     bool // it was deleted since
	cfgData  []byte
}

func newState(dec *decoder, log *slog.Logger, parentConfig bool) *state {
	return &state{dec: dec, log: log, parentConfig: parentConfig}
}

// children records a read of the service znode. A znode that vanished after
// it had been seen keeps the last good backends (the original exited
// there): an operator deleting and recreating it, or a restore in progress,
// must not empty HAProxy. One that never existed is "nothing registered",
// as in the original.
func (st *state) children(s zk.Snapshot) {
	st.have = true
	switch {
	case s.Err != nil:
		st.err = s.Err
	case !s.Exists && st.existed:
		st.err = fmt.Errorf("znode %s was deleted; keeping the last good backends until it reappears", s.Path)
		if !st.gone {
			st.gone = true
			st.log.Warn("service znode deleted; keeping the last good backends until it reappears")
		}
	default:
		st.err = nil
		st.backends = st.dec.backends(s.Children)
		if st.parentConfig {
			st.cfgData = s.ParentData
		}
		if s.Exists {
			if st.gone {
				st.log.Info("service znode is back", "children", len(s.Children))
			}
			st.existed, st.gone = true, false
		}
	}
}

// config records a read of a separate generator config znode and reports
// whether it can change the Snapshot. A missing znode is "no config", which
// changes nothing downstream; a failed read keeps what was read before.
func (st *state) config(s zk.Snapshot) bool {
	if s.Err != nil {
		return false
	}
	st.cfgData = nil
	if s.Exists {
		st.cfgData = s.ParentData
	}
	return true
}

// snapshot is what to send now; false before the first children result.
func (st *state) snapshot() (watcher.Snapshot, bool) {
	if !st.have {
		return watcher.Snapshot{}, false
	}
	if st.err != nil {
		return watcher.Snapshot{Err: st.err}, true
	}
	gc := st.dec.generatorConfig(st.cfgData)
	return watcher.Snapshot{Backends: st.backends, GeneratorConfig: gc}, true
}
