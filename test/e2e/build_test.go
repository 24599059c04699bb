package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// builds holds the binaries built for this test run, in a dir TestMain
// removes.
var builds *testutil.Builds

// buildBinary builds cmd/<name> once per test binary.
func buildBinary(t *testing.T, name string) string {
	t.Helper()
	return builds.Path(t, name, "../../cmd/"+name)
}

func buildNerve(t *testing.T) string   { return buildBinary(t, "nerve") }
func buildSynapse(t *testing.T) string { return buildBinary(t, "synapse") }

func withBinDir(run func() int) int {
	dir, err := os.MkdirTemp("", "smartstack-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	builds = testutil.NewBuilds(dir)
	return run()
}
