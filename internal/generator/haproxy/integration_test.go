package haproxy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const integrationTimeout = 10 * time.Second

// realSetup is a real HAProxy (master-worker) and a generator that owns
// its config file, reloads it with SIGUSR2 to the master and checks
// candidates with haproxy -c.
type realSetup struct {
	h     *testutil.HAProxy
	g     *Generator
	cfg   *Config
	clock *fakeClock
	api   *hapi.Client
	port  int
}

func startRealSetup(t testing.TB) *realSetup {
	t.Helper()
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewConfig()
	cfg.Global = []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"}
	cfg.Defaults = []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"}
	cfg.ConfigFilePath = h.ConfigPath
	cfg.SocketFilePath = StringList{h.StatsSocket}
	cfg.ReloadCommand = fmt.Sprintf("kill -USR2 %d", h.MasterPID())
	cfg.DoChecks, cfg.CandidateConfigFilePath = true, h.ConfigPath+".candidate"
	cfg.CheckCommand = bin + " -c -q -f " + cfg.CandidateConfigFilePath
	seed := Seed(7)
	cfg.ServerOrderSeed = &seed
	clock := newFakeClock()
	return &realSetup{h: h, g: newTestGenerator(t, &cfg, clock), cfg: &cfg, clock: clock,
		api: hapi.New(h.StatsSocket), port: testutil.FreePort(t)}
}

func (r *realSetup) service(t testing.TB, extra string, backends ...registration.Backend) generator.Service {
	t.Helper()
	section := fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nbackend: [mode tcp%s]", r.port, extra)
	return svc(r.g, t, "svc", section, backends...)
}

// updateReloading runs Update and waits for the reload it must cause.
func (r *realSetup) updateReloading(t testing.TB, s generator.Service) {
	t.Helper()
	before, err := r.h.Procs()
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, r.g, s)
	if _, err := r.h.AwaitReload(before); err != nil {
		t.Fatalf("no reload: %v (pending %q)", err, r.g.PendingReload())
	}
	settleReload(t, r.g)
}

func (r *realSetup) servers(t testing.TB) map[string]hapi.ServerState {
	t.Helper()
	st, err := r.api.ShowServersState(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]hapi.ServerState{}
	for _, s := range st {
		out[s.Name] = s
	}
	return out
}

func TestIntegrationSocketFirst(t *testing.T) {
	r := startRealSetup(t)
	r.cfg.DynamicServers = DynamicOff // the original's path
	a, b, c := live("a", "127.0.0.1", 1001), live("b", "127.0.0.1", 1002), live("c", "127.0.0.1", 1003)

	// The first update writes the config and reloads, as in the original.
	r.updateReloading(t, r.service(t, "", a, b))
	if s := r.servers(t); len(s) != 2 || s["b_127.0.0.1:1002"].AdminState.Maint() {
		t.Fatalf("after the first reload: %+v", s)
	}

	t.Run("backend down via the socket, no reload", func(t *testing.T) {
		workers := r.h.WorkerPIDs()
		mustUpdate(t, r.g, r.service(t, "", a))
		if !r.servers(t)["b_127.0.0.1:1002"].AdminState.Maint() {
			t.Error("b not in maintenance")
		}
		if p := r.g.PendingReload(); p != nil {
			t.Errorf("reload pending: %q", p)
		}
		if now := r.h.WorkerPIDs(); !slices.Equal(now, workers) {
			t.Errorf("workers %v became %v", workers, now)
		}
	})

	t.Run("nothing changed, file untouched", func(t *testing.T) {
		before, _ := os.ReadFile(r.cfg.ConfigFilePath)
		old := time.Unix(1e9, 0)
		os.Chtimes(r.cfg.ConfigFilePath, old, old)
		r.clock.advance(time.Minute)
		mustUpdate(t, r.g, r.service(t, "", a))
		after, _ := os.ReadFile(r.cfg.ConfigFilePath)
		fi, _ := os.Stat(r.cfg.ConfigFilePath)
		if string(after) != string(before) || !fi.ModTime().Equal(old) {
			t.Errorf("config rewritten (mtime %v)", fi.ModTime())
		}
	})

	t.Run("new backend, write and reload", func(t *testing.T) {
		r.clock.advance(time.Minute)
		r.updateReloading(t, r.service(t, "", a, c))
		testutil.Eventually(t, integrationTimeout, func() error {
			rows, err := r.api.ShowStat(context.Background())
			if err != nil {
				return err
			}
			for _, row := range rows {
				if row.Proxy == "svc" && row.Server == "c_127.0.0.1:1003" {
					return nil
				}
			}
			return errors.New("c not in show stat")
		})
		if p := r.g.PendingReload(); p != nil {
			t.Errorf("reload still pending: %q", p)
		}
	})

	t.Run("failing check keeps the live file", func(t *testing.T) {
		before, _ := os.ReadFile(r.cfg.ConfigFilePath)
		workers := r.h.WorkerPIDs()
		err := r.g.Update(context.Background(), []generator.Service{r.service(t, ", balance nosuchalgorithm", a, c)})
		if !errors.Is(err, errCheckFailed) {
			t.Fatalf("err = %v, want a check failure", err)
		}
		if after, _ := os.ReadFile(r.cfg.ConfigFilePath); string(after) != string(before) {
			t.Errorf("live config replaced:\n%s", after)
		}
		if now := r.h.WorkerPIDs(); !slices.Equal(now, workers) {
			t.Errorf("workers %v became %v", workers, now)
		}
	})

	t.Run("dead socket, then recovery", func(t *testing.T) {
		good := r.service(t, "", a, c)
		away := r.h.StatsSocket + ".away"
		if err := os.Rename(r.h.StatsSocket, away); err != nil {
			t.Fatal(err)
		}
		// The last reload was just now: the rate limit holds this one.
		mustUpdate(t, r.g, good)
		if p := strings.Join(r.g.PendingReload(), ";"); !strings.Contains(p, "socket_error") {
			t.Fatalf("pending = %q, want socket_error", p)
		}
		if err := os.Rename(away, r.h.StatsSocket); err != nil {
			t.Fatal(err)
		}
		mustUpdate(t, r.g, good)
		before, _ := r.h.Procs()
		r.clock.advance(time.Minute)
		if err := r.g.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := r.h.AwaitReload(before); err != nil {
			t.Fatalf("pending reload not run: %v", err)
		}
		// A reload counts as pending until the generator has seen the new
		// process (a tick confirms it), not when HAProxy has started it.
		settleReload(t, r.g)
		mustUpdate(t, r.g, good)
		if p := r.g.PendingReload(); p != nil {
			t.Errorf("pending after recovery: %q", p)
		}
	})
}
