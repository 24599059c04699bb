package cli

import (
	"fmt"

	"github.com/smartstack-go/smartstack/internal/memlimit"
)

// memBudget is the Go memory synapse's heap grows into before it is
// collected at 15 % past what is live (memlimit): with the process's other
// memory (its code, about 16 MiB) the process stays under 100 MiB at
// 50,000 backends, where the Go default let it reach 140 to 170 MiB, and a
// larger deployment costs more collections instead of a collector that
// never stops. Below the budget the default GOGC (100) spares start-up
// the collections a low GOGC costs while everything is read. At 50,000
// backends 15 % peaks 2 to 4 MiB below 20 % with no lone change slower
// (docs/benchmarks.md, "Session 16"); before lone changes stopped copying
// per-service lists, 15 % slowed their p50 by 0.8 ms.
var memBudget = memlimit.Options{Budget: 80 << 20, Headroom: 0.15}

// tuneMemory starts the budget unless the operator set GOGC or
// GOMEMLIMIT, which the Go runtime has applied already and which stand.
// It returns what is in effect, for the start-up log line.
func tuneMemory(getenv func(string) string) (string, *memlimit.Tuner) {
	gogc, limit := getenv("GOGC"), getenv("GOMEMLIMIT")
	if gogc != "" || limit != "" {
		return fmt.Sprintf("GOGC=%s GOMEMLIMIT=%s (from the environment)", gogc, limit), nil
	}
	return fmt.Sprintf("budget %d MiB, then %.0f%% headroom", memBudget.Budget>>20, 100*memBudget.Headroom),
		memlimit.Start(memBudget)
}
