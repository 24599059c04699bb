package stanza

import (
	"strconv"
	"strings"
)

// SlotPrefix names the pre-allocated servers of a slot backend ("slot1",
// "slot2", ...). No discovered server name can take this form: those all
// end in ":<port>".
const SlotPrefix = "slot"

// SlotName is the name of slot index i.
func SlotName(i int) string { return SlotPrefix + strconv.Itoa(i+1) }

// SlotIndex is the index of a slot server name.
func SlotIndex(name string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(name, SlotPrefix))
	if err != nil || n < 1 || SlotName(n-1) != name {
		return 0, false
	}
	return n - 1, true
}

// IsSlot reports whether name is a slot's.
func IsSlot(name string) bool {
	_, ok := SlotIndex(name)
	return ok
}

// Pool is a slot backend as a generation left it. The generated
// haproxy.cfg is the record of the pool: it is what HAProxy reloads
// from, so a separate file could only disagree with it.
type Pool struct {
	// Slots are the slots' servers; index i is slot i+1, and a zero
	// Server a slot the stanza skipped.
	Slots []Server
}

// Pool is the backend's slot pool, nil without slot servers. Server
// lines of the service's own backend lines are no slots and are skipped.
// It is read several times an update from stanzas the render memo keeps,
// so it is worked out once per stanza.
func (b *Backend) Pool() *Pool {
	if !b.poolRead {
		b.pool, b.poolRead = b.readPool(), true
	}
	return b.pool
}

func (b *Backend) readPool() *Pool {
	p := &Pool{}
	for _, name := range b.Order {
		i, ok := SlotIndex(name)
		if !ok {
			continue
		}
		for len(p.Slots) <= i {
			p.Slots = append(p.Slots, Server{})
		}
		p.Slots[i] = b.Servers[name]
	}
	if len(p.Slots) == 0 {
		return nil
	}
	return p
}

// Addr is the "host:port" slot i holds, "" for a missing slot.
func (p *Pool) Addr(i int) string {
	if p == nil || i >= len(p.Slots) {
		return ""
	}
	return p.Slots[i].Addr()
}

// Size is the number of slots; a nil pool has none.
func (p *Pool) Size() int {
	if p == nil {
		return 0
	}
	return len(p.Slots)
}

// IsUsed reports whether slot i holds a live server.
func (p *Pool) IsUsed(i int) bool { return p != nil && i < len(p.Slots) && p.Slots[i].Live }

// Free counts the slots holding no live server.
func (p *Pool) Free() int {
	free := 0
	for i := range p.Size() {
		if !p.IsUsed(i) {
			free++
		}
	}
	return free
}
