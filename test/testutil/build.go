package testutil

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// GoBuild builds the main package pkg (an import path such as
// "github.com/smartstack-go/smartstack/cmd/nerve", or a directory) into out.
// -buildvcs=auto beats a GOFLAGS=-buildvcs=false: --version shows the
// revision of a checkout, as a user's go build would.
func GoBuild(out, pkg string) error {
	if msg, err := exec.Command("go", "build", "-buildvcs=auto", "-o", out, pkg).CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return nil
}

// Builds builds each main package once per test binary into one dir,
// which the caller owns (TestMain makes and removes it).
type Builds struct {
	dir string
	mu  sync.Mutex
	m   map[string]*builtBinary
}

type builtBinary struct {
	once sync.Once
	path string
	err  error
}

// NewBuilds returns a Builds that writes into dir.
func NewBuilds(dir string) *Builds { return &Builds{dir: dir, m: map[string]*builtBinary{}} }

// Path builds pkg as name on first use and returns the binary's path;
// a failed build fails the test (and every later one asking for it).
func (b *Builds) Path(t testing.TB, name, pkg string) string {
	t.Helper()
	b.mu.Lock()
	bb := b.m[name]
	if bb == nil {
		bb = &builtBinary{path: filepath.Join(b.dir, name)}
		b.m[name] = bb
	}
	b.mu.Unlock()
	bb.once.Do(func() { bb.err = GoBuild(bb.path, pkg) })
	if bb.err != nil {
		t.Fatal(bb.err)
	}
	return bb.path
}
