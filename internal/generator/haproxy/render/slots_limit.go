package render

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// HAProxy counts a file descriptor for every server with a health check
// (check or agent-check), enabled or not, on top of two per connection
// of maxconn and a few of its own; it refuses to start when the sum
// passes its fd limit ("Cannot raise FD limit to N, limit is L",
// "Loading failure!"). Without a maxconn it derives one from the limit,
// never below haproxyMinMaxconn. HAProxy 2.6's own share measured 14
// standalone and 37 in master-worker mode with one listener and a stats
// socket; slotFDReserve leaves room for a few more listeners.
const (
	haproxyMinMaxconn = 100
	slotFDReserve     = 64
)

// slotCap is the most slots a pool of a service whose servers run with
// options may have, and the limit that sets it ("" and 0 when none
// does): slots without a health check cost HAProxy no file descriptor.
// The fd limit is `ulimit-n` in global when set, else processLimit
// (synapse's own hard RLIMIT_NOFILE, which is HAProxy's when one init
// starts both with its defaults; set ulimit-n in global when HAProxy runs
// with another); 0 for unknown.
func (c *Config) slotCap(options string, processLimit int) (int, string) {
	words := strings.Fields(options)
	if !slices.Contains(words, "check") && !slices.Contains(words, "agent-check") {
		return 0, ""
	}
	limit, from := globalInt(c.Global, "ulimit-n"), "ulimit-n in global"
	if limit <= 0 {
		if processLimit <= 0 {
			return 0, ""
		}
		limit, from = processLimit, "the hard RLIMIT_NOFILE, set ulimit-n in global if HAProxy's differs"
	}
	maxconn, mfrom := globalInt(c.Global, "maxconn"), "maxconn in global"
	if maxconn < haproxyMinMaxconn {
		maxconn, mfrom = haproxyMinMaxconn, "the least maxconn HAProxy derives"
	}
	room := max(1, limit-2*maxconn-slotFDReserve)
	return room, fmt.Sprintf("HAProxy's fd limit %d (%s) less 2 x maxconn %d (%s) and %d of its own leaves %d for servers with checks",
		limit, from, maxconn, mfrom, slotFDReserve, room)
}

// globalInt is the number after key in the global lines, 0 without one.
func globalInt(lines []string, key string) int {
	for _, l := range lines {
		if f := strings.Fields(l); len(f) == 2 && f[0] == key {
			if n, err := strconv.Atoi(f[1]); err == nil {
				return n
			}
		}
	}
	return 0
}

// capSlots keeps the first limit backends when a pool cannot hold them
// all, and says so (one warning, logged once per distinct config).
func capSlots[T any](backend string, backends []T, limit int, why string) ([]T, string) {
	if limit <= 0 || len(backends) <= limit {
		return backends, ""
	}
	return backends[:limit], fmt.Sprintf("slot pool of backend %s stops at %d slots, %d of %d registrations left out: %s",
		backend, limit, len(backends)-limit, len(backends), why)
}

// capPool trims a pool's size, spare slots first, to limit; it never cuts
// a slot a server holds. The warning says which limit stopped the growth.
func capPool(backend string, size int, slots []int, limit int, why string) (int, string) {
	if limit <= 0 || size <= limit {
		return size, ""
	}
	keep := limit
	for _, i := range slots {
		keep = max(keep, i+1)
	}
	if keep >= size {
		return size, ""
	}
	return keep, fmt.Sprintf("slot pool of backend %s grows to %d slots, not %d: %s", backend, keep, size, why)
}
