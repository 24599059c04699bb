package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

func TestAssignSlots(t *testing.T) {
	prev := PoolsIn(stanza.Parse(strings.Join([]string{
		"backend svc",
		"\tserver slot1 10.0.0.1:80 id 1 cookie slot1",
		"\tserver slot2 10.0.0.2:80 id 2 cookie slot2 disabled",
		"\tserver slot3 127.0.0.1:1 id 3 cookie slot3 disabled",
		"",
	}, "\n")))["svc"]
	cases := []struct {
		addrs     []string
		want      []int
		wantSize  int
		headroom  int
		withoutPv bool
	}{
		// A kept server stays, a returning one finds its old slot.
		{addrs: []string{"10.0.0.2:80", "10.0.0.1:80"}, want: []int{1, 0}, wantSize: 3, headroom: 3},
		// A new one takes a never used slot before the one freed now.
		{addrs: []string{"10.0.0.9:80"}, want: []int{2}, wantSize: 3, headroom: 3},
		// Exhaustion grows the pool to what is needed plus headroom.
		{addrs: []string{"10.0.0.1:80", "a:1", "b:1", "c:1"}, want: []int{0, 2, 1, 3}, wantSize: 6, headroom: 2},
		{addrs: []string{"a:1", "b:1"}, want: []int{0, 1}, wantSize: 4, headroom: 4, withoutPv: true},
	}
	for _, c := range cases {
		p := prev
		if c.withoutPv {
			p = nil
		}
		got, size := assignSlots(p, c.addrs, c.headroom, c.headroom)
		if !slices.Equal(got, c.want) || size != c.wantSize {
			t.Errorf("assignSlots(%q) = %v, %d; want %v, %d", c.addrs, got, size, c.want, c.wantSize)
		}
	}
}

// A static-rr tcp backend uses slots; a roundrobin one stays dynamic.
func TestUsesSlots(t *testing.T) {
	c := baseConfig()
	c.ServerSlots = 2
	c.Defaults = []string{"mode tcp"}
	if usesSlots(c, []string{"mode tcp"}) {
		t.Error("roundrobin tcp backend uses slots")
	}
	if !usesSlots(c, []string{"mode tcp", "balance static-rr"}) {
		t.Error("static-rr backend does not use slots")
	}
	c.DynamicServers = DynamicOff
	if usesSlots(c, []string{"mode http"}) {
		t.Error("dynamic_servers off uses slots")
	}
}

// Auto pools start with as many spare slots as live servers (at least
// autoSlotSpare) and only grow when exhausted; a fixed count is both the
// least pool and the spare of a grown one.
func TestSlotSizing(t *testing.T) {
	pool := &stanza.Pool{Slots: make([]stanza.Server, 12)}
	tests := []struct {
		name               string
		slots              SlotCount
		prev               *stanza.Pool
		live               int
		wantLeast, wantSpr int
	}{
		{"auto new small", SlotsAuto, nil, 1, 9, 8},
		{"auto new empty", SlotsAuto, nil, 0, 8, 8},
		{"auto new big", SlotsAuto, nil, 20, 40, 20},
		{"auto existing", SlotsAuto, pool, 11, 0, 11},
		{"fixed", 4, pool, 11, 4, 4},
		{"fixed new", 4, nil, 1, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConfig()
			c.ServerSlots = tt.slots
			least, spare := c.slotSizing(tt.prev, tt.live)
			if least != tt.wantLeast || spare != tt.wantSpr {
				t.Errorf("slotSizing = %d, %d; want %d, %d", least, spare, tt.wantLeast, tt.wantSpr)
			}
		})
	}
}

// A pool far larger than its servers need drops its free tail; one that
// is merely roomy, or whose servers sit at its end, is kept.
func TestShrinkPool(t *testing.T) {
	tests := []struct {
		name         string
		size         int
		slots        []int
		target, want int
	}{
		{"roomy", 8, []int{0}, 2, 8},
		{"after a burst", 10008, []int{0, 3, 7}, 16, 16},
		{"a server near the end", 10008, []int{0, 9000}, 16, 10008},
		{"a server in the middle", 10008, []int{0, 4000}, 16, 4001},
		{"empty", 100, nil, 8, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := shrinkPool(tc.size, tc.slots, tc.target); got != tc.want {
				t.Errorf("shrinkPool(%d, %v, %d) = %d, want %d", tc.size, tc.slots, tc.target, got, tc.want)
			}
		})
	}
}

func TestSlotsConfig(t *testing.T) {
	if c := decodeTop(t, "haproxy: {server_slots: 10}"); c.ServerSlots != 10 {
		t.Errorf("server_slots = %d, want 10", c.ServerSlots)
	}
	if c := NewConfig(); c.ServerSlots != SlotsAuto {
		t.Errorf("default server_slots = %v, want auto", c.ServerSlots)
	}
	for _, src := range []string{"auto", "0", "3"} {
		c := decodeTop(t, "haproxy: {server_slots: "+src+"}")
		if got := c.ServerSlots.String(); got != src {
			t.Errorf("server_slots: %s decoded as %s", src, got)
		}
	}
}

func TestSlotsConfigRefused(t *testing.T) {
	for _, src := range []string{"-1", "many", "1.5", "[1]", `"3"`} {
		t.Run(src, func(t *testing.T) {
			var out struct {
				HAProxy Config `yaml:"haproxy"`
			}
			_, err := config.Decode("top.yaml", []byte("haproxy: {server_slots: "+src+"}"), &out)
			if err == nil || !strings.Contains(err.Error(), `want "auto" or a number of spare slots`) {
				t.Errorf("decode = %v, want a server_slots error", err)
			}
		})
	}
}
