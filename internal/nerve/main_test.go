package nerve

import (
	"os"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// TestMain shares one ZooKeeper among the integration tests; unit tests
// never start it.
func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }
