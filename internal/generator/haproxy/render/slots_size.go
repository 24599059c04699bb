package render

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// SlotCount is server_slots: SlotsAuto, 0 (slots off) or the number of
// spare slots of every pool.
type SlotCount int

// SlotsAuto is server_slots: auto, the default.
const SlotsAuto SlotCount = -1

// autoSlotSpare is the least number of spare slots an auto pool gets. A
// small service then survives a few scale-ups or restarted instances
// without a reload, for a few KB of HAProxy memory per idle slot (a slot
// in maintenance runs no checks).
const autoSlotSpare = 8

// UnmarshalConfig accepts "auto" or a whole number, 0 or more.
func (s *SlotCount) UnmarshalConfig(_ *config.Decoder, n *yaml.Node, _ string) error {
	if n.Kind == yaml.ScalarNode && n.Value == "auto" {
		*s = SlotsAuto
		return nil
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil || v < 0 {
		return fmt.Errorf("cannot use %s as server_slots: want \"auto\" or a number of spare slots, 0 (off) or more", describeNode(n))
	}
	*s = SlotCount(v)
	return nil
}

func (s SlotCount) String() string {
	if s == SlotsAuto {
		return "auto"
	}
	return strconv.Itoa(int(s))
}

// slotSizing returns the least size of a backend's pool and the spare
// slots a pool gets when it must grow, for live servers and the pool the
// previous generation had.
//
// A fixed server_slots n keeps at least n slots and grows to the live
// count plus n. Auto gives a new pool as many spare slots as live servers
// (at least autoSlotSpare): a rolling or blue/green deploy registers every
// new instance before the old ones leave, so the backend briefly holds
// twice its live count, and that fits without a reload. An existing auto
// pool keeps its size until it is exhausted: growing it as the live count
// rises would reload on ordinary scale-ups, the very thing slots avoid.
func (c *Config) slotSizing(prev *stanza.Pool, live int) (least, spare int) {
	if c.ServerSlots != SlotsAuto {
		n := int(c.ServerSlots)
		return n, n
	}
	spare = max(autoSlotSpare, live)
	if prev.Size() > 0 {
		return 0, spare
	}
	return live + spare, spare
}

// slotShrinkFactor is how many times larger than a new pool for the same
// servers a pool must be before a render shrinks it. A pool grows to at
// most twice what it needs, so ordinary ups and downs never come near
// this; what does is a burst that is gone (thousands of registrations
// added and removed at once), whose pool would otherwise keep every slot
// in haproxy.cfg and in HAProxy for good.
const slotShrinkFactor = 4

// freshPoolSize is the size a new pool for live servers gets.
func (c *Config) freshPoolSize(live int) int {
	least, spare := c.slotSizing(nil, live)
	if live <= least {
		return least
	}
	return live + spare
}

// shrinkPool returns the size a pool of size slots keeps once the servers
// are in their slots: size, unless it is more than slotShrinkFactor times
// target and dropping the free slots at its end at least halves it. Only
// free slots at the end go: a server keeps its slot, and with it its
// cookie. Shrinking rewrites the pool's lines, so it costs one reload.
func shrinkPool(size int, slots []int, target int) int {
	if size <= slotShrinkFactor*target {
		return size
	}
	keep := target
	for _, i := range slots {
		keep = max(keep, i+1)
	}
	if keep > size/2 {
		return size
	}
	return keep
}
