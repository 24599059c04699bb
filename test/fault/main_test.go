// Package fault is the fault suite: the whole stack (a 3-node ZooKeeper
// ensemble, nerve and synapse binaries, HAProxy, backends and a client
// sending requests all the time) under one fault per test. Every test
// ends with HAProxy routing to exactly the healthy registered backends
// and requests flowing through it (docs/reliability.md).
package fault

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// The ensemble is shared by the package: a JVM trio takes seconds to
// start. Tests that stop, kill or freeze members run one at a time
// (never t.Parallel); the others run in parallel once they are done, and
// keep apart by their own znode paths.
var (
	builds     *testutil.Builds
	zkOnce     sync.Once
	zkEnsemble *testutil.ZooKeeper
	zkErr      error
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "smartstack-fault-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "fault:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	builds = testutil.NewBuilds(dir)
	code := m.Run()
	if zkEnsemble != nil {
		if err := zkEnsemble.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "fault: stop zookeeper:", err)
			code = max(code, 1)
		}
	}
	return code
}

// ensemble starts the package's 3-node ensemble on first use. It skips
// under -short and fails when ZooKeeper is not installed.
func ensemble(t *testing.T) *testutil.ZooKeeper {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the fault suite runs ZooKeeper, HAProxy and the daemons")
	}
	zkOnce.Do(func() { zkEnsemble, zkErr = testutil.StartZooKeeperEnsembleProcess(3) })
	if zkErr != nil {
		t.Fatal(zkErr)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("zookeeper logs:\n%s", zkEnsemble.LogTails(20))
		}
	})
	return zkEnsemble
}

func nerveBin(t *testing.T) string {
	return builds.Path(t, "nerve", "github.com/smartstack-go/smartstack/cmd/nerve")
}

func synapseBin(t *testing.T) string {
	return builds.Path(t, "synapse", "github.com/smartstack-go/smartstack/cmd/synapse")
}
