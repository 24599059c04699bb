package cli

import "runtime/debug"

// defaultGCPercent is synapse's collector target when GOGC is not set:
// the heap grows to one and a half times what is live between
// collections, not twice. synapse runs on every host and holds every
// backend it routes to (about 50 MB live at 50,000 backends, where the
// default's headroom made the process 140 MiB instead of 115), and it
// allocates little between changes, so collecting more often costs it
// little CPU (docs/benchmarks.md, "Scale at 50,000 backends").
const defaultGCPercent = 50

// applyGCPercent sets defaultGCPercent unless the operator set GOGC,
// which the Go runtime has applied already. It returns the setting.
func applyGCPercent(getenv func(string) string) string {
	if v := getenv("GOGC"); v != "" {
		return v
	}
	debug.SetGCPercent(defaultGCPercent)
	return "50"
}
