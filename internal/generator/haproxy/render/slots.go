package render

import (
	"slices"
	"strings"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// slotPlaceholder is the address of a slot that never held a backend. The
// slot is disabled, so HAProxy never connects to it.
var slotPlaceholder = Backend{Backend: registration.Backend{Host: "127.0.0.1", Port: registration.NumberPort(1)}}

const placeholderAddr = "127.0.0.1:1"

// PoolsIn picks the slot backends of a generation.
func PoolsIn(backends map[string]*stanza.Backend) map[string]*stanza.Pool {
	out := map[string]*stanza.Pool{}
	for name, b := range backends {
		if p := b.Pool(); p != nil {
			out[name] = p
		}
	}
	return out
}

// slotRank orders free slots for new servers: never used first, then freed
// earlier, then freed now, so a cookie outlives its server as long as the
// pool allows.
func slotRank(p *stanza.Pool, i int) int {
	switch {
	case p.IsUsed(i):
		return 2
	case p.Addr(i) == "" || p.Addr(i) == placeholderAddr:
		return 0
	}
	return 1
}

// usesSlots reports whether a backend is rendered as a slot pool: slots
// are on and the backend cannot take dynamic servers (cookie outside
// "mode tcp", a static balance, default-server). Auto slots also need
// do_socket: without a socket nothing fills a slot, every change reloads
// anyway, and the original's server names are the better render. The
// HAProxy version plays no part: it is not known when the config is
// rendered (the socket may be down), and the render must not flip with
// it; slots only need "set server addr" and "state", which every HAProxy
// since 1.8 has (an older one refuses them, and the refusal reloads).
func usesSlots(c *Config, backendLines []string) bool {
	switch {
	case c.ServerSlots == 0, c.DynamicServers == DynamicOff:
		return false
	case c.ServerSlots == SlotsAuto && !c.DoSocket:
		return false
	}
	if !slices.Contains(backendLines, "mode tcp") {
		return true
	}
	all := append(slices.Clone(c.Defaults), backendLines...)
	if plan.StaticBalance(all) != "" {
		return true
	}
	return slices.ContainsFunc(all, func(l string) bool { return strings.HasPrefix(l, "default-server") })
}

// assignSlots gives each address a slot index and returns the pool size,
// at least least (see slotSizing). An address keeps the slot that holds
// it (used first, then a free slot that last held it, so a returning
// backend finds its old cookie). The others take free slots: never or
// long unused ones first, then those freed now. When none is left the
// pool grows to the addresses plus spare free slots, which needs one
// reload.
func assignSlots(prev *stanza.Pool, addrs []string, least, spare int) ([]int, int) {
	size := max(prev.Size(), least)
	slots := make([]int, len(addrs))
	taken := map[int]bool{}
	for _, used := range []bool{true, false} {
		byAddr := map[string]int{}
		for i := prev.Size() - 1; i >= 0; i-- {
			if prev.IsUsed(i) == used && !taken[i] {
				byAddr[prev.Addr(i)] = i
			}
		}
		for j, a := range addrs {
			if i, ok := byAddr[a]; ok && slots[j] == 0 && !taken[i] {
				slots[j], taken[i] = i+1, true
			}
		}
	}
	var free []int
	for rank := range 3 {
		for i := range size {
			if !taken[i] && slotRank(prev, i) == rank {
				free = append(free, i)
			}
		}
	}
	for j := range addrs {
		if slots[j] != 0 {
			continue
		}
		if len(free) == 0 {
			free = growSlots(&size, len(addrs), spare)
		}
		slots[j], free = free[0]+1, free[1:]
	}
	for j := range slots {
		slots[j]--
	}
	return slots, size
}

// growSlots makes the pool big enough for need servers plus spare free
// slots and returns the new slots.
func growSlots(size *int, need, spare int) []int {
	old := *size
	*size = need + spare
	var out []int
	for i := old; i < *size; i++ {
		out = append(out, i)
	}
	return out
}
