package haproxy

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// reloads is the master's reload counter.
func (r *realSetup) reloads(t testing.TB) int {
	t.Helper()
	p, err := r.h.Procs()
	if err != nil {
		t.Fatal(err)
	}
	return p.Reloads
}

// checkRunning fails unless HAProxy runs exactly the servers of want
// (name to "addr:port id"), and haproxy.cfg carries each of them.
func (r *realSetup) checkRunning(t *testing.T, want map[string]string) {
	t.Helper()
	got := r.servers(t)
	if len(got) != len(want) {
		t.Errorf("running %d servers, want %d", len(got), len(want))
	}
	mustFlush(t, r.g) // the file as the next tick leaves it
	cfg, err := os.ReadFile(r.cfg.ConfigFilePath)
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		s, ok := got[name]
		if have := fmt.Sprintf("%s:%d id %d", s.Addr, s.Port, s.ID); !ok || have != w || s.AdminState.Maint() {
			t.Errorf("server %s: running %q (present %v, admin %#x), want %q ready", name, have, ok, s.AdminState, w)
		}
		addr, id, _ := strings.Cut(w, " ")
		if line := fmt.Sprintf("\tserver %s %s %s", name, addr, id); !strings.Contains(string(cfg), line+" ") && !strings.Contains(string(cfg), line+"\n") {
			t.Errorf("haproxy.cfg lacks %q", line)
		}
	}
}

// A tcp roundrobin backend takes 20 new backends and loses them again
// without a reload; a forced reload afterwards keeps the same servers.
func TestIntegrationDynamicChurn(t *testing.T) {
	r := startRealSetup(t)
	first := live("", "127.0.0.1", 2000)
	r.updateReloading(t, r.service(t, "", first))
	reloads := r.reloads(t)
	backends := []registration.Backend{first}
	want := map[string]string{"127.0.0.1:2000": "127.0.0.1:2000 id 1"}
	for i := 1; i <= 20; i++ {
		r.clock.advance(time.Second)
		backends = append(backends, live("", "127.0.0.1", 2000+i))
		mustUpdate(t, r.g, r.service(t, "", backends...))
		want[fmt.Sprintf("127.0.0.1:%d", 2000+i)] = fmt.Sprintf("127.0.0.1:%d id %d", 2000+i, i+1)
	}
	r.checkRunning(t, want)
	for i := 20; i > 10; i-- {
		backends = backends[:len(backends)-1]
		mustUpdate(t, r.g, r.service(t, "", backends...))
		delete(want, fmt.Sprintf("127.0.0.1:%d", 2000+i))
	}
	r.checkRunning(t, want)
	if p := r.g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
	if got := r.reloads(t); got != reloads {
		t.Fatalf("%d reloads during the churn, want none", got-reloads)
	}
	// A reload by someone else, a tick after the churn, which wrote the
	// file the sockets were ahead of.
	r.clock.advance(time.Second)
	if err := r.g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	before, _ := r.h.Procs()
	r.h.Reload()
	if _, err := r.h.AwaitReload(before); err != nil {
		t.Fatal(err)
	}
	r.checkRunning(t, want)
	if st := r.servers(t)["127.0.0.1:2005"]; st.AdminState.Maint() {
		t.Errorf("server in maintenance after the reload: %+v", st)
	}
}

// A nerve weight change reaches HAProxy with "set server weight", and the
// file, without a reload.
func TestIntegrationDynamicWeight(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.UseNerveWeights = true
	a := live("", "127.0.0.1", 2000)
	a.Weight = registration.IntValue(10)
	r.updateReloading(t, r.service(t, "", a))
	reloads := r.reloads(t)
	a.Weight = registration.IntValue(40)
	mustUpdate(t, r.g, r.service(t, "", a))
	if s := r.servers(t)["127.0.0.1:2000"]; s.UWeight != 40 {
		t.Errorf("weight %d, want 40", s.UWeight)
	}
	// The file follows at the next tick, not on the change's path.
	if cfg, _ := os.ReadFile(r.cfg.ConfigFilePath); strings.Contains(string(cfg), "weight 40\n") {
		t.Errorf("haproxy.cfg written on the update's path:\n%s", cfg)
	}
	if err := r.g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cfg, _ := os.ReadFile(r.cfg.ConfigFilePath); !strings.Contains(string(cfg), "weight 40\n") {
		t.Errorf("haproxy.cfg lacks the weight after a tick:\n%s", cfg)
	}
	if got := r.reloads(t); got != reloads {
		t.Errorf("%d reloads, want none", got-reloads)
	}
}

// With server_state_file, a weight set at run time survives a reload, and
// the file gets file_mode.
func TestIntegrationServerStateFile(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.ServerStateFile = r.h.Dir + "/servers.state"
	r.g.files = fileOptions(0o640)
	r.updateReloading(t, r.service(t, "", live("", "127.0.0.1", 2000)))
	if _, err := r.h.Command("set server svc/127.0.0.1:2000 weight 77"); err != nil {
		t.Fatal(err)
	}
	r.clock.advance(time.Minute)
	r.updateReloading(t, r.service(t, ", timeout server 5s", live("", "127.0.0.1", 2000)))
	if s := r.servers(t)["127.0.0.1:2000"]; s.UWeight != 77 {
		t.Errorf("weight %d after the reload, want 77 from the state file", s.UWeight)
	}
	if got := testutil.FileMode(t, r.cfg.ServerStateFile); got != 0o640 {
		t.Errorf("server state file mode %v, want 0640", got)
	}
}

// A deploy burst (40 new backends in one update, then all replaced) goes
// through the runtime API in batches, without a reload.
func TestIntegrationDynamicBurst(t *testing.T) {
	r := startRealSetup(t)
	r.updateReloading(t, r.service(t, ", balance leastconn", live("", "127.0.0.1", 3000)))
	reloads := r.reloads(t)
	burst := func(base int) (map[string]string, []registration.Backend) {
		want := map[string]string{}
		var bs []registration.Backend
		for i := range 40 {
			bs = append(bs, live("", "127.0.0.1", base+i))
			want[fmt.Sprintf("127.0.0.1:%d", base+i)] = ""
		}
		return want, bs
	}
	want, bs := burst(3100)
	mustUpdate(t, r.g, r.service(t, ", balance leastconn", bs...))
	if got := r.servers(t); len(got) != len(want) {
		t.Errorf("running %d servers, want %d", len(got), len(want))
	}
	want, bs = burst(3200)
	mustUpdate(t, r.g, r.service(t, ", balance leastconn", bs...))
	got := r.servers(t)
	for name := range want {
		if s, ok := got[name]; !ok || s.AdminState.Maint() {
			t.Errorf("server %s: %+v (present %v)", name, s, ok)
		}
	}
	if len(got) != len(want) {
		t.Errorf("running %d servers, want %d", len(got), len(want))
	}
	if got := r.reloads(t); got != reloads || r.g.PendingReload() != nil {
		t.Errorf("%d reloads, pending %q; want none", got-reloads, r.g.PendingReload())
	}
}
