package synapse

import (
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// A generator's per-service warnings name the service: the normalizer once
// passed the generator's name, so 1,000 services logged "service haproxy".
func TestNormalizerPassesTheService(t *testing.T) {
	g := &fakeGen{name: "fake"}
	norm := (&Daemon{}).normalizer(map[string]generator.Generator{"fake": g})
	if _, err := norm("svc1", "fake", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := norm("svc1", "other", nil); err == nil {
		t.Error("a generator that is not configured normalised without error")
	}
	if !slices.Equal(g.norm, []string{"svc1"}) {
		t.Errorf("Normalize got services %q, want [svc1]", g.norm)
	}
}
