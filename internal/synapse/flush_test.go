package synapse

import (
	"context"
	"sync"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// flushingGen counts its Flush calls.
type flushingGen struct {
	fakeGen
	flushes int
}

func (g *flushingGen) Flush(context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.flushes++
	return nil
}

func (g *flushingGen) flushed() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.flushes
}

func flushingSpec(fp string, builds *[]*flushingGen, mu *sync.Mutex) GeneratorSpec {
	return GeneratorSpec{Name: "gen", Fingerprint: fp, New: func(generator.Options) (generator.Generator, error) {
		g := &flushingGen{fakeGen: fakeGen{name: "gen"}}
		mu.Lock()
		defer mu.Unlock()
		*builds = append(*builds, g)
		return g, nil
	}}
}

// A generator whose output may lag behind the proxy is flushed when a
// config reload replaces it (its successor must find the file that
// matches HAProxy) and when synapse stops; one the reload keeps is not.
func TestGeneratorsFlushed(t *testing.T) {
	var mu sync.Mutex
	var builds []*flushingGen
	built := func(i int) *flushingGen {
		mu.Lock()
		defer mu.Unlock()
		return builds[i]
	}
	h := start(t, Options{}, func(*harness) *Desired { return desired(flushingSpec("a", &builds, &mu), spec("web", "w", "")) })
	h.hub.send(t, "web", 1)
	eventually(t, "first update", func() bool { return len(built(0).updates()) == 1 })

	h.setConfig(desired(flushingSpec("a", &builds, &mu), spec("web", "w", "")), nil)
	h.doReload("success")
	if n := built(0).flushed(); n != 0 {
		t.Errorf("a kept generator was flushed %d times by the reload", n)
	}
	h.setConfig(desired(flushingSpec("b", &builds, &mu), spec("web", "w", "")), nil)
	h.doReload("success")
	if n := built(0).flushed(); n != 1 {
		t.Errorf("the replaced generator was flushed %d times, want 1", n)
	}
	h.stop()
	if n := built(1).flushed(); n != 1 {
		t.Errorf("the running generator was flushed %d times at stop, want 1", n)
	}
}
