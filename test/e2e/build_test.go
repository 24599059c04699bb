package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// binDir holds the binaries built for this test run; TestMain removes it.
var binDir string

type build struct {
	once sync.Once
	path string
	err  error
}

var builds sync.Map // daemon name → *build

// buildBinary builds cmd/<name> once per test binary.
func buildBinary(t *testing.T, name string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(name, &build{})
	b := v.(*build)
	b.once.Do(func() {
		b.path = filepath.Join(binDir, name)
		// -buildvcs=auto beats a GOFLAGS=-buildvcs=false: --version shows
		// the revision of a checkout, as a user's go build would.
		out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", b.path, "../../cmd/"+name).CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build %s: %w\n%s", name, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
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
	binDir = dir
	return run()
}
