package render

import (
	"strings"
	"testing"
)

func TestSlotCap(t *testing.T) {
	for _, c := range []struct {
		name, options string
		global        []string
		want          int
		says          string
	}{
		{"no check, no limit", "weight 10", nil, 0, ""},
		{"check, process limit", "check inter 2s", nil, 1024 - 200 - slotFDReserve, "hard RLIMIT_NOFILE"},
		{"agent-check, ulimit-n and maxconn", "agent-check", []string{"ulimit-n 4000", "maxconn 1000"}, 4000 - 2000 - slotFDReserve, "ulimit-n in global"},
		{"maxconn below HAProxy's least", "check", []string{"maxconn 10"}, 1024 - 200 - slotFDReserve, "least maxconn"},
		{"limit smaller than maxconn needs", "check", []string{"ulimit-n 100"}, 1, "leaves 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := NewConfig()
			cfg.Global = c.global
			got, why := cfg.slotCap(c.options, 1024)
			if got != c.want || !strings.Contains(why, c.says) {
				t.Errorf("slotCap(%q) = %d, %q; want %d, saying %q", c.options, got, why, c.want, c.says)
			}
		})
	}
}

func TestCapPool(t *testing.T) {
	for _, c := range []struct {
		name              string
		size, limit, want int
		slots             []int
		warns             bool
	}{
		{"no limit", 40, 0, 40, []int{0, 1}, false},
		{"within", 40, 50, 40, []int{0, 1}, false},
		{"spare trimmed", 40, 30, 30, []int{0, 1, 2}, true},
		{"a held slot past the limit stays", 40, 10, 21, []int{0, 20}, true},
		{"held slots at the end", 40, 10, 40, []int{39}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, w := capPool("web", c.size, c.slots, c.limit, "why")
			if got != c.want || (w != "") != c.warns {
				t.Errorf("capPool = %d, %q; want %d, warning %v", got, w, c.want, c.warns)
			}
		})
	}
	kept, w := capSlots("web", []int{1, 2, 3, 4}, 3, "the limit")
	if len(kept) != 3 || w != "slot pool of backend web stops at 3 slots, 1 of 4 registrations left out: the limit" {
		t.Errorf("capSlots = %v, %q", kept, w)
	}
}
