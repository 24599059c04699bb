// Package e2e runs the built binaries against real ZooKeeper and HAProxy.
package e2e

import (
	"os"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) {
	os.Exit(withBinDir(func() int { return testutil.ZooKeeperMain(m) }))
}
