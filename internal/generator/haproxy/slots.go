package haproxy

import (
	"slices"
	"strconv"
	"strings"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// slotPrefix names the pre-allocated servers of a slot backend ("slot1",
// "slot2", ...). No discovered server name can take this form: those all
// end in ":<port>".
const slotPrefix = "slot"

// slotPlaceholder is the address of a slot that never held a backend. The
// slot is disabled, so HAProxy never connects to it.
var slotPlaceholder = Backend{Backend: registration.Backend{Host: "127.0.0.1", Port: registration.NumberPort(1)}}

const placeholderAddr = "127.0.0.1:1"

// slotPool is a slot backend as a previous generation left it. The
// generated haproxy.cfg is the record of the pool: it is what HAProxy
// reloads from, so a separate file could only disagree with it.
type slotPool struct {
	// lines are the slots' server lines (no TAB, no " disabled"); index
	// i is slot i+1.
	lines []string
	used  []bool
}

func slotName(i int) string { return slotPrefix + strconv.Itoa(i+1) }

// slotIndex is the index of a slot server name.
func slotIndex(name string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(name, slotPrefix))
	if err != nil || n < 1 || slotName(n-1) != name {
		return 0, false
	}
	return n - 1, true
}

// poolsIn picks the slot backends of a parsed config.
func poolsIn(backends map[string]*renderedBackend) map[string]*slotPool {
	out := map[string]*slotPool{}
	for name, b := range backends {
		if p := b.pool(); p != nil {
			out[name] = p
		}
	}
	return out
}

// pool is the backend's slot pool, nil without slot servers. Server lines
// of the service's own backend lines are no slots and are skipped. It is
// read several times an update from stanzas the render memo keeps, so it
// is worked out once per stanza.
func (b *renderedBackend) pool() *slotPool {
	if !b.poolRead {
		b.slots, b.poolRead = b.readPool(), true
	}
	return b.slots
}

func (b *renderedBackend) readPool() *slotPool {
	p := &slotPool{}
	for _, name := range b.order {
		i, ok := slotIndex(name)
		if !ok {
			continue
		}
		for len(p.lines) <= i {
			p.lines, p.used = append(p.lines, ""), append(p.used, false)
		}
		s := b.servers[name]
		p.lines[i], p.used[i] = trimDisabled(s.line), s.live
	}
	if len(p.lines) == 0 {
		return nil
	}
	return p
}

// addr is the "host:port" a slot holds, "" for a missing slot.
func (p *slotPool) addr(i int) string {
	if p == nil || i >= len(p.lines) {
		return ""
	}
	if f := strings.Fields(p.lines[i]); len(f) > 2 {
		return f[2]
	}
	return ""
}

func (p *slotPool) size() int {
	if p == nil {
		return 0
	}
	return len(p.lines)
}

func (p *slotPool) isUsed(i int) bool { return p != nil && i < len(p.used) && p.used[i] }

// rank orders free slots for new servers: never used first, then freed
// earlier, then freed now, so a cookie outlives its server as long as the
// pool allows.
func (p *slotPool) rank(i int) int {
	switch {
	case p.isUsed(i):
		return 2
	case p.addr(i) == "" || p.addr(i) == placeholderAddr:
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
	if staticBalance(all) != "" {
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
func assignSlots(prev *slotPool, addrs []string, least, spare int) ([]int, int) {
	size := max(prev.size(), least)
	slots := make([]int, len(addrs))
	taken := map[int]bool{}
	for _, used := range []bool{true, false} {
		byAddr := map[string]int{}
		for i := prev.size() - 1; i >= 0; i-- {
			if prev.isUsed(i) == used && !taken[i] {
				byAddr[prev.addr(i)] = i
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
			if !taken[i] && prev.rank(i) == rank {
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
