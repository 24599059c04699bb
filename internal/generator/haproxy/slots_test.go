package haproxy

import (
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/smartstack-go/smartstack/internal/config"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func TestAssignSlots(t *testing.T) {
	prev := poolsIn(stanza.Parse(strings.Join([]string{
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

func slotSocketGenerator(t *testing.T, sock *fakeSocket) *Generator {
	t.Helper()
	g := socketGenerator(t, sock)
	g.cfg.ServerSlots = 3
	return g
}

func TestSlotsRender(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP"))
	g := slotSocketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", live("a", "10.0.0.1", 80)))
	want := "backend svc\n" +
		"\tserver slot1 10.0.0.1:80 id 1 cookie slot1 check\n" +
		"\tserver slot2 127.0.0.1:1 id 2 cookie slot2 check disabled\n" +
		"\tserver slot3 127.0.0.1:1 id 3 cookie slot3 check disabled\n"
	if !strings.HasSuffix(g.lastText, want) {
		t.Errorf("config:\n%s\nwant it to end with:\n%s", g.lastText, want)
	}
}

func TestSlotsFillAndEmpty(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot2 addr 10.0.0.2 port 81"] = "IP changed from '127.0.0.1' to '10.0.0.2', port changed from '1' to '81' by 'stats socket command'"
	g := slotSocketGenerator(t, sock)
	a, b := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 81)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, b))
	want := []string{"set server svc/slot2 addr 10.0.0.2 port 81", "set server svc/slot2 state ready"}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("fill = %q\nwant %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending after a fill: %q", p)
	}
	sock.setStat(statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,UP", "svc,slot3,MAINT"))
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", b))
	if got := sock.commands(); !slices.Equal(got, []string{"disable server svc/slot1"}) {
		t.Errorf("removal = %q, want disable server svc/slot1", got)
	}
	if !strings.Contains(g.lastText, "\tserver slot1 10.0.0.1:80 id 1 cookie slot1 check disabled\n") {
		t.Errorf("freed slot does not keep its address:\n%s", g.lastText)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending after a removal: %q", p)
	}
}

func TestSlotsExhaustionReloads(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	g := slotSocketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "", live("a", "10.0.0.1", 80)))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "", live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80),
		live("c", "10.0.0.3", 80), live("d", "10.0.0.4", 80)))
	if p := strings.Join(g.PendingReload(), ";"); !strings.Contains(p, "new_server") {
		t.Errorf("pending = %q, want new_server", p)
	}
	if n := strings.Count(g.lastText, "\tserver slot"); n != 7 {
		t.Errorf("%d slots after growth, want 4 + 3", n)
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

// A restart reads the pools from the live config: servers keep their
// slots, and a new one is filled before it is enabled.
func TestSlotsSurviveRestart(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,UP", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot3 addr 10.0.0.3 port 80"] = "IP changed from '127.0.0.1' to '10.0.0.3'"
	g := slotSocketGenerator(t, sock)
	g.cfg.DoWrites, g.cfg.ConfigFilePath = true, t.TempDir()+"/haproxy.cfg"
	a, b, c := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80), live("c", "10.0.0.3", 80)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, b))
	sock.commands()
	restarted := newTestGenerator(t, g.cfg, newFakeClock())
	mustUpdate(t, restarted, svc(restarted, t, "svc", "server_options: check", c, b))
	want := []string{
		"disable server svc/slot1",
		"set server svc/slot3 addr 10.0.0.3 port 80",
		"set server svc/slot3 state ready",
	}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("commands after restart = %q\nwant %q", got, want)
	}
	if !strings.Contains(restarted.lastText, "\tserver slot2 10.0.0.2:80 id 2 cookie slot2 check\n") {
		t.Errorf("server b left its slot:\n%s", restarted.lastText)
	}
}

// With nerve weights, a freed slot keeps its weight (HAProxy keeps it), a
// refill sets the new one, and neither reloads.
func TestSlotsWeights(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot2 addr 10.0.0.2 port 80"] = "IP changed from '127.0.0.1' to '10.0.0.2'"
	g := slotSocketGenerator(t, sock)
	g.cfg.UseNerveWeights = true
	a, b := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)
	a.Weight, b.Weight = registration.IntValue(7), registration.IntValue(9)
	mustUpdate(t, g, svc(g, t, "svc", "", a))
	mustUpdate(t, g, svc(g, t, "svc", ""))
	if !strings.Contains(g.lastText, "\tserver slot1 10.0.0.1:80 id 1 cookie slot1 weight 7 disabled\n") {
		t.Errorf("freed slot lost its weight:\n%s", g.lastText)
	}
	sock.commands()
	sock.setStat(statCSV("svc,BACKEND,UP", "svc,slot1,MAINT", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	mustUpdate(t, g, svc(g, t, "svc", "", b))
	want := []string{
		"set server svc/slot2 addr 10.0.0.2 port 80",
		"set server svc/slot2 weight 9",
		"set server svc/slot2 state ready",
	}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("refill = %q\nwant %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// A refused address keeps the slot out of traffic (no "state ready" at
// its old address) and makes a reload pending.
func TestSlotsRefusedAddrKeepsSlotOut(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot2 addr 10.0.0.2 port 80"] = "Invalid addr."
	g := slotSocketGenerator(t, sock)
	a, b := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, b))
	if got := sock.commands(); !slices.Equal(got, []string{"set server svc/slot2 addr 10.0.0.2 port 80"}) {
		t.Errorf("commands = %q, want the address only", got)
	}
	if p := strings.Join(g.PendingReload(), ";"); !strings.Contains(p, "socket_error") {
		t.Errorf("pending = %q, want socket_error", p)
	}
}

// A host name cannot be set with "set server addr": its slot waits for
// the reload.
func TestSlotsHostNameReloads(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	g := slotSocketGenerator(t, sock)
	a := live("a", "10.0.0.1", 80)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, live("b", "db.example", 80)))
	if got := sock.commands(); len(got) != 0 {
		t.Errorf("commands = %q, want none", got)
	}
	if p := strings.Join(g.PendingReload(), ";"); !strings.Contains(p, "new_server") {
		t.Errorf("pending = %q, want new_server", p)
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

// The pool gauges follow each generation: auto pools start with 8 spare
// slots for one live server, and a backend that stops being a pool stops
// reporting one.
func TestSlotPoolMetrics(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP"))
	g := socketGenerator(t, sock)
	g.cfg.ServerSlots = SlotsAuto
	steps := []struct {
		name       string
		section    string
		backends   []registration.Backend
		size, free float64
		series     int
	}{
		{"one live", "{}", []registration.Backend{live("a", "10.0.0.1", 80)}, 9, 8, 1},
		{"two live", "{}", []registration.Backend{live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)}, 9, 7, 1},
		{"dynamic", "backend: [mode tcp]", []registration.Backend{live("a", "10.0.0.1", 80)}, 0, 0, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			mustUpdate(t, g, svc(g, t, "svc", s.section, s.backends...))
			if n := seriesCount(g.m.slotPoolSize); n != s.series {
				t.Fatalf("%d pool size series, want %d", n, s.series)
			}
			if s.series == 0 {
				return
			}
			size, free := gaugeValue(t, g.m.slotPoolSize.WithLabelValues("svc")), gaugeValue(t, g.m.slotPoolFree.WithLabelValues("svc"))
			if size != s.size || free != s.free {
				t.Errorf("pool size %v free %v, want %v and %v", size, free, s.size, s.free)
			}
		})
	}
}

func seriesCount(c prometheus.Collector) int {
	ch := make(chan prometheus.Metric, 16)
	c.Collect(ch)
	close(ch)
	return len(ch)
}

func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

// A live slot HAProxy runs at another address, port or weight than its
// config line is set back; a slot being refilled, a free one, or one at a
// host name is left alone.
func TestSlotCorrections(t *testing.T) {
	rb := stanza.Parse("backend svc\n\tserver slot1 10.0.0.1:80 weight 3\n\tserver slot2 10.0.0.2:80\n" +
		"\tserver slot3 10.0.0.3:80\n\tserver slot4 db.example:80\n\tserver slot5 10.0.0.5:80 disabled\n")["svc"]
	st := func(name, addr string, port, w int) hapi.ServerState {
		return hapi.ServerState{Backend: "svc", Name: name, Addr: addr, Port: port, UWeight: w}
	}
	d := &plan.Backend{Name: "svc", Mech: plan.Slots, Stanza: rb,
		Live: []string{"slot1", "slot2", "slot3", "slot4"}, Refill: map[string][]string{"slot3": {"x"}}}
	tests := []struct {
		name   string
		states []hapi.ServerState
		want   []string
	}{
		{"in line", []hapi.ServerState{st("slot1", "10.0.0.1", 80, 3), st("slot2", "10.0.0.2", 80, 1)}, nil},
		{"address", []hapi.ServerState{st("slot2", "10.9.9.9", 80, 1)}, []string{"set server svc/slot2 addr 10.0.0.2 port 80"}},
		{"port and weight", []hapi.ServerState{st("slot1", "10.0.0.1", 81, 1)},
			[]string{"set server svc/slot1 addr 10.0.0.1 port 80", "set server svc/slot1 weight 3"}},
		{"refilled, host name, free", []hapi.ServerState{st("slot3", "1.1.1.1", 1, 1), st("slot4", "1.1.1.1", 1, 1), st("slot5", "1.1.1.1", 1, 1)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := plan.Corrections(d, tc.states); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
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
