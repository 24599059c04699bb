package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegistries(t *testing.T) {
	own := prometheus.NewRegistry()
	other := prometheus.NewRegistry()
	for _, tc := range []struct {
		name         string
		reg          prometheus.Registerer
		g            prometheus.Gatherer
		sameAsReg    bool // the Gatherer returned is the Registerer returned
		keepReg      bool
		keepGatherer bool
	}{
		{"neither: one registry for both", nil, nil, true, false, false},
		{"a registry alone gathers too", own, nil, true, true, false},
		{"both kept", own, other, false, true, true},
		{"a gatherer alone keeps it", nil, other, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, g := Registries(tc.reg, tc.g)
			if reg == nil || g == nil {
				t.Fatalf("nil left: %v %v", reg, g)
			}
			if got := any(reg) == any(g); got != tc.sameAsReg {
				t.Errorf("one registry for both: %v, want %v", got, tc.sameAsReg)
			}
			if tc.keepReg && reg != tc.reg {
				t.Error("the given Registerer was replaced")
			}
			if tc.keepGatherer && g != tc.g {
				t.Error("the given Gatherer was replaced")
			}
		})
	}
}
