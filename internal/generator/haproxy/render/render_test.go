package render

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// testConfig renders the original's server lines: slots off, or auto
// slots would turn its HTTP backends into pools.
func testConfig() *Config {
	c := NewConfig()
	c.Global, c.Defaults = []string{"daemon"}, []string{"mode http"}
	c.ServerSlots = 0
	return &c
}

func names(servers []server) []string {
	var out []string
	for _, s := range servers {
		out = append(out, s.name)
	}
	return out
}

func TestOrder(t *testing.T) {
	in := []server{{name: "b"}, {name: "c"}, {name: "a"}}
	t.Run("asc", func(t *testing.T) {
		if got := names(order(in, "asc", 0)); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("asc = %q", got)
		}
	})
	t.Run("desc", func(t *testing.T) {
		if got := names(order(in, "desc", 0)); !slices.Equal(got, []string{"c", "b", "a"}) {
			t.Errorf("desc = %q", got)
		}
	})
	t.Run("no_shuffle", func(t *testing.T) {
		if got := names(order(in, "no_shuffle", 0)); !slices.Equal(got, []string{"b", "c", "a"}) {
			t.Errorf("no_shuffle = %q", got)
		}
	})
	t.Run("shuffle is fixed by the seed", func(t *testing.T) {
		var many []server
		for i := range 20 {
			many = append(many, server{name: fmt.Sprint(i)})
		}
		first := names(order(many, "", 7))
		for range 5 {
			if got := names(order(many, "random", 7)); !slices.Equal(got, first) {
				t.Fatalf("shuffle changed: %q vs %q", got, first)
			}
		}
		if slices.Equal(first, names(many)) || slices.Equal(first, names(order(many, "", 8))) {
			t.Error("seeds 7 and 8 and no shuffle should give different orders")
		}
		if names(many)[0] != "0" {
			t.Error("order changed its input")
		}
	})
}

func TestIDAllocation(t *testing.T) {
	t.Run("lowest free from 1", func(t *testing.T) {
		a := newIDAllocator(map[string]int{"x": 1, "y": 3}, 10, 0)
		_ = a.next("svc", "z")
		if id, _ := a.lookup("z"); id != 2 {
			t.Errorf("z = %d, want 2", id)
		}
	})
	t.Run("known ids kept", func(t *testing.T) {
		a := newIDAllocator(map[string]int{"x": 5}, 10, 0)
		_ = a.next("svc", "x")
		if id, _ := a.lookup("x"); id != 5 {
			t.Errorf("x = %d, want 5", id)
		}
	})
	t.Run("cached id only when unknown", func(t *testing.T) {
		a := newIDAllocator(map[string]int{"x": 5}, 10, 0)
		a.remember("x", 9)
		a.remember("y", 9)
		if x, _ := a.lookup("x"); x != 5 {
			t.Errorf("x = %d, want 5", x)
		}
		if y, _ := a.lookup("y"); y != 9 {
			t.Errorf("y = %d, want 9", y)
		}
	})
	t.Run("options id beats registry id", func(t *testing.T) {
		a := newIDAllocator(nil, 10, 0)
		b := withOptions(backend("", "h", 1), "id 12")
		b.ServerID = 4
		if err := a.pin("svc", "h:1", b, map[string]bool{"h:1": true}); err != nil {
			t.Fatal(err)
		}
		if id, _ := a.lookup("h:1"); id != 12 {
			t.Errorf("id = %d, want 12", id)
		}
	})
	t.Run("options id taken by another server", func(t *testing.T) {
		a := newIDAllocator(map[string]int{"x": 12, "gone": 3}, 20, 0)
		present := map[string]bool{"x": true, "h:1": true, "h:2": true}
		err := a.pin("svc", "h:1", withOptions(backend("", "h", 1), "id 12"), present)
		if err == nil || !strings.Contains(err.Error(), `ignoring "id 12"`) || !a.dropped["h:1"] {
			t.Errorf("pin = %v, dropped %v; want the id ignored", err, a.dropped)
		}
		// An id only a server no longer present held is free.
		if err := a.pin("svc", "h:2", withOptions(backend("", "h", 2), "id 3"), present); err != nil {
			t.Errorf("pin of a departed server's id = %v", err)
		}
		if err := a.next("svc", "h:1"); err != nil {
			t.Fatal(err)
		}
		if id, _ := a.lookup("h:1"); id == 12 || id == 3 || id < 1 {
			t.Errorf("h:1 got id %d, want a fresh one", id)
		}
	})
	t.Run("exhausted", func(t *testing.T) {
		a := newIDAllocator(map[string]int{"x": 1}, 1, 0)
		if err := a.next("svc", "y"); err == nil || !strings.Contains(err.Error(), "ran out of server ids for svc") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("the search's cursor gives what a search from 1 gives", func(t *testing.T) {
		// Random pins, cached ids, new servers and forgotten ones, the
		// allocator against the lowest free id found from 1 each time.
		rng := rand.New(rand.NewPCG(7, 7))
		for round := range 200 {
			const maxID = 40
			prev := map[string]int{}
			for i := range rng.IntN(20) {
				prev[fmt.Sprintf("p%d", i)] = 1 + rng.IntN(maxID)
			}
			a := newIDAllocator(prev, maxID, 0)
			for step := range 60 {
				name := fmt.Sprintf("s%d", step)
				switch rng.IntN(4) {
				case 0:
					a.remember(name, 1+rng.IntN(maxID))
				case 1:
					a.keep(map[string]bool{name: true, fmt.Sprintf("s%d", step-1): true})
				}
				want := 1
				for want < maxID && a.used[want] {
					want++
				}
				if a.used[want] {
					want = 1
				}
				_, known := a.ids[name]
				if err := a.next("svc", name); err != nil {
					if len(a.ids) < maxID {
						t.Fatalf("round %d step %d: %v with %d ids", round, step, err, len(a.ids))
					}
					continue
				}
				if got, _ := a.lookup(name); !known && got != want {
					t.Fatalf("round %d step %d: %s got id %d, a search from 1 gives %d", round, step, name, got, want)
				}
			}
		}
	})
	t.Run("forget", func(t *testing.T) {
		a := newIDAllocator(map[string]int{"x": 1, "y": 2}, 10, 0)
		a.keep(map[string]bool{"y": true})
		if !maps.Equal(a.ids, map[string]int{"y": 2}) {
			t.Errorf("ids = %v", a.ids)
		}
	})
}

func TestRenderStableIDsAcrossGenerations(t *testing.T) {
	svc := Service{Name: "api", Config: &ServiceConfig{BackendOrder: "asc"},
		Backends: []Backend{backend("a", "10.0.0.1", 80), backend("b", "10.0.0.2", 80)}}
	res, err := Render(Input{Config: testConfig(), Services: []Service{svc}})
	if err != nil {
		t.Fatal(err)
	}
	// "a" leaves as "c" arrives: "b" keeps 2, and "c" gets 3, not a's 1,
	// because (as in the original) a is forgotten only after allocation.
	svc.Backends = []Backend{backend("b", "10.0.0.2", 80), backend("c", "10.0.0.3", 80)}
	res2, err := Render(Input{Config: testConfig(), Services: []Service{svc}, ServerIDs: res.ServerIDs})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"b_10.0.0.2:80": 2, "c_10.0.0.3:80": 3}
	if !maps.Equal(res2.ServerIDs["api"], want) {
		t.Errorf("ids = %v, want %v", res2.ServerIDs["api"], want)
	}
	if res.ServerIDs["api"]["a_10.0.0.1:80"] != 1 {
		t.Error("Render changed the previous result's map")
	}
}

func TestRenderBasics(t *testing.T) {
	at := time.Date(2020, 11, 9, 13, 3, 34, 0, time.FixedZone("", -8*3600))
	in := Input{Config: testConfig(), Time: at, Services: []Service{
		{Name: "off", Config: &ServiceConfig{Disabled: true, Port: PortValue(1)}},
		{Name: "none"},
	}}
	res, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "# auto-generated by synapse at 2020-11-09 13:03:34 -0800\n\nglobal\n\tdaemon\ndefaults\n\tmode http\n"
	if res.Text != want {
		t.Errorf("text = %q, want %q", res.Text, want)
	}
	t.Run("same config ignores the header", func(t *testing.T) {
		in.Time = at.Add(time.Hour)
		res2, _ := Render(in)
		if res2.Text == res.Text || !SameConfig(res.Text, res2.Text) {
			t.Error("configs differing only in the timestamp should be the same config")
		}
		if SameConfig(res.Text, res.Text+"\tx\n") {
			t.Error("different bodies compare equal")
		}
	})
	t.Run("no haproxy section", func(t *testing.T) {
		if _, err := Render(Input{}); err == nil {
			t.Error("Render without a Config should fail")
		}
	})
	t.Run("shared frontend of a service without a top-level one", func(t *testing.T) {
		in := Input{Config: testConfig(), Services: []Service{{Name: "s", Config: &ServiceConfig{SharedFrontend: []string{"acl a always_true"}}}}}
		res, err := Render(in)
		if err != nil || len(res.Warnings) != 1 || strings.Contains(res.Text, "shared-frontend") {
			t.Errorf("res = %+v, err = %v", res, err)
		}
	})
}

func TestRenderTemplateError(t *testing.T) {
	in := Input{Config: testConfig(), Services: []Service{{Name: "web",
		Config: &ServiceConfig{ServerOptions: "maxconn 50%"}, Backends: []Backend{backend("", "h", 1)}}}}
	_, err := Render(in)
	if err == nil || !strings.Contains(err.Error(), `service web: server_options "maxconn 50%"`) {
		t.Errorf("err = %v", err)
	}
}
