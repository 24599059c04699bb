package nerve

import (
	"os"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// TestMain shares one ZooKeeper among the integration tests; unit tests
// never start it. The test binary doubles as the admin-socket client that
// adminperm_test.go runs under another uid.
func TestMain(m *testing.M) {
	if path := os.Getenv(clientEnv); path != "" {
		os.Exit(runClient(path))
	}
	os.Exit(testutil.ZooKeeperMain(m))
}
