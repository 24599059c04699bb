package fileoutput

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Readers polling the file while updates replace it always see one whole
// version, never an empty or partial file, and no temp file outlives the
// updates. The two versions differ in size, so a torn or truncated read
// would show.
func TestConcurrentReaders(t *testing.T) {
	dir := t.TempDir()
	g := newTestGenerator(t, dir, nil)
	many := make([]registration.Backend, 200)
	for i := range many {
		many[i] = hostPort(fmt.Sprintf("10.0.%d.%d", i/250, i%250), 3000+i)
	}
	versions := [][]registration.Backend{{hostPort("somehost", 5555)}, many}
	valid := map[string]bool{}
	for _, v := range versions {
		b, err := render(v)
		if err != nil {
			t.Fatal(err)
		}
		valid[string(b)] = true
	}
	update := func(rev uint64) {
		svc := service("web", rev, enabled, versions[rev%2]...)
		if err := g.Update(context.Background(), []generator.Service{svc}); err != nil {
			t.Error(err)
		}
	}
	update(0)
	path := filepath.Join(dir, "web.json")
	stop := startReaders(t, path, valid)
	for rev := uint64(1); rev <= 300; rev++ {
		update(rev)
	}
	if stop() == 0 {
		t.Error("readers never ran")
	}
	matches, err := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if err != nil || len(matches) != 0 {
		t.Errorf("temp files left: %v %v", matches, err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		t.Error("file missing after updates")
	}
}

// startReaders reads path in a loop from two goroutines, failing t on any
// content outside valid; stop ends them and returns the number of reads.
func startReaders(t *testing.T, path string, valid map[string]bool) (stop func() int64) {
	var done atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for !done.Load() {
				b, err := os.ReadFile(path)
				if err != nil || !valid[string(b)] {
					t.Errorf("reader saw %d bytes, err %v: not a whole version", len(b), err)
					return
				}
				reads.Add(1)
			}
		})
	}
	return func() int64 {
		done.Store(true)
		wg.Wait()
		return reads.Load()
	}
}
