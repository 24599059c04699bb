package cli

import (
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

// Without GOGC and GOMEMLIMIT the daemon sets a memory limit of at least
// its budget; either one in the environment leaves the runtime alone.
func TestTuneMemory(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(orig) })
	for _, tc := range []struct {
		env   map[string]string
		tuned bool
	}{
		{env: nil, tuned: true},
		{env: map[string]string{"GOGC": "200"}},
		{env: map[string]string{"GOMEMLIMIT": "1GiB"}},
	} {
		debug.SetMemoryLimit(math.MaxInt64)
		desc, tu := tuneMemory(func(k string) string { return tc.env[k] })
		got := debug.SetMemoryLimit(-1)
		if tc.tuned {
			if tu == nil || got < memBudget.Budget || !strings.Contains(desc, "budget") {
				t.Errorf("env %v: limit %d, %q; want at least %d", tc.env, got, desc, memBudget.Budget)
			}
			tu.Stop()
			continue
		}
		if tu != nil || got != math.MaxInt64 || !strings.Contains(desc, "environment") {
			t.Errorf("env %v: limit %d, %q; want the runtime's own", tc.env, got, desc)
		}
	}
}
