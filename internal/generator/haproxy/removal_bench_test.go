package haproxy

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// BenchmarkLoneRemoval is one backend removed, then added back, in turn,
// among 1,000 services x 50 backends against a fake stats socket that
// runs every server: the runtime path alone, as BenchmarkLoneWeightChange.
// A removal patches the stat record without the rows of the other
// backends. "cmd-ns" is Update's start to the first command reaching the
// socket (p50 over the run), ns/op the whole Update, with the file.
func BenchmarkLoneRemoval(b *testing.B) {
	const services, backends = 1000, 50
	sock := newFakeSocket(b, "")
	sock.refuse["show info"] = fakeInfo26
	sock.answer = func(cmd string) string {
		switch {
		case strings.HasPrefix(cmd, "add server "):
			return "New server registered."
		case strings.HasPrefix(cmd, "del server "):
			return "Server deleted."
		}
		return ""
	}
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
	sock.heard = func(string) {
		mu.Lock()
		defer mu.Unlock()
		if heardAt.IsZero() {
			heardAt = time.Now()
		}
	}
	full := make([][]registration.Backend, services)
	for i := range svcs {
		full[i] = svcs[i].Backends
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		k := (i / 2) % services
		s := &svcs[k]
		if i%2 == 0 {
			s.Backends = slices.Clone(full[k][1:])
		} else {
			s.Backends = full[k]
		}
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
		if at.IsZero() || g.PendingReload() != nil {
			b.Fatalf("update %d: commands %q, reload %q", i, sock.commands(), g.PendingReload())
		}
		lat = append(lat, at.Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "cmd-ns")
}
