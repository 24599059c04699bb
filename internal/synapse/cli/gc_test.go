package cli

import (
	"runtime/debug"
	"testing"
)

// Without GOGC the daemon collects at 50 %; an operator's GOGC stands.
func TestApplyGCPercent(t *testing.T) {
	orig := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(orig) })
	for _, tc := range []struct {
		env, want string
		percent   int
	}{
		{env: "", want: "50", percent: 50},
		{env: "200", want: "200", percent: 100}, // the runtime applies GOGC itself
	} {
		debug.SetGCPercent(100)
		got := applyGCPercent(func(k string) string {
			if k == "GOGC" {
				return tc.env
			}
			return ""
		})
		if p := debug.SetGCPercent(100); got != tc.want || p != tc.percent {
			t.Errorf("GOGC=%q: applied %q, percent %d; want %q, %d", tc.env, got, p, tc.want, tc.percent)
		}
	}
}
