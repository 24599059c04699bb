package haproxy

import (
	"context"
	"fmt"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// BenchmarkLoneWeightChange is one backend's nerve weight changed among
// 1,000 services x 50 backends, against a fake stats socket that already
// runs every server: the runtime path alone, without HAProxy's own time.
// "cmd-ns" is Update's start to the "set server weight" reaching the
// socket (p50 over the run), ns/op the whole Update, with the file;
// "live-MB" is the heap after a forced collection at the end, the
// generator's memory with the test's services.
func BenchmarkLoneWeightChange(b *testing.B) {
	const services, backends = 1000, 50
	sock := newFakeSocket(b, "")
	sock.refuse["show info"] = fakeInfo26
	c := NewConfig()
	cfg := &c
	cfg.Global = []string{"daemon"}
	cfg.Defaults = []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"}
	seed := Seed(1)
	cfg.ServerOrderSeed = &seed
	cfg.DoSocket, cfg.DoWrites, cfg.DoReloads = true, true, false
	cfg.SocketFilePath = []string{sock.path}
	cfg.ConfigFilePath = filepath.Join(b.TempDir(), "haproxy.cfg")
	cfg.UseNerveWeights, cfg.DoChecks = true, false
	g := newTestGenerator(b, cfg, newFakeClock())
	svcs := make([]generator.Service, services)
	for i := range svcs {
		svcs[i] = svc(g, b, fmt.Sprintf("svc%d", i), "listen: [mode tcp]")
		for j := range backends {
			be := live("", fmt.Sprintf("127.%d.%d.%d", i/200, i%200, j+1), 8080)
			be.Weight = registration.IntValue(1)
			svcs[i].Backends = append(svcs[i].Backends, be)
		}
	}
	mustUpdate(b, g, svcs...)
	sock.setStat(runningStat(g))
	g.forgetAllStats()
	mustUpdate(b, g, svcs...)
	g.reloads = reloads{}
	var mu sync.Mutex
	var heardAt time.Time
	sock.heard = func(cmd string) {
		mu.Lock()
		defer mu.Unlock()
		if heardAt.IsZero() && strings.HasPrefix(cmd, "set server") {
			heardAt = time.Now()
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		s := &svcs[i%services]
		s.Backends = slices.Clone(s.Backends)
		s.Backends[0].Weight = registration.IntValue(int64(2 + i%50))
		mu.Lock()
		heardAt = time.Time{}
		mu.Unlock()
		start := time.Now()
		if err := g.Update(context.Background(), svcs); err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		at := heardAt
		mu.Unlock()
		if at.IsZero() {
			b.Fatalf("update %d sent no set server command: %q %q", i, sock.commands(), g.PendingReload())
		}
		lat = append(lat, at.Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "cmd-ns")
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/1e6, "live-MB")
	goruntime.KeepAlive(g)
	goruntime.KeepAlive(svcs)
}

// runningStat is "show stat" for every server of g's last generation, UP.
func runningStat(g *Generator) string {
	var rows []string
	for name, be := range g.last.Backends() {
		rows = append(rows, name+",BACKEND,UP")
		for _, s := range be.Order {
			rows = append(rows, name+","+s+",UP")
		}
	}
	return statCSV(rows...)
}
