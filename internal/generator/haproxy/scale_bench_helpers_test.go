package haproxy

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// scaleBench is a generator with 1,000 services x 50 backends, brought to
// a fake stats socket that already runs every server, and the services
// its updates are given: the start of the lone-change benchmarks. answer,
// when not nil, answers the socket's commands.
func scaleBench(b *testing.B, answer func(cmd string) string) (*Generator, *fakeSocket, []generator.Service) {
	b.Helper()
	const services, backends = 1000, 50
	sock := newFakeSocket(b, "")
	sock.refuse["show info"] = fakeInfo26
	sock.answer = answer
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
	return g, sock, svcs
}

// cmdTimer times an update from its start to the first command the fake
// socket hears that counts (counts nil: any command).
type cmdTimer struct {
	mu     sync.Mutex
	heard  time.Time
	counts func(cmd string) bool
	lat    []time.Duration
}

func newCmdTimer(sock *fakeSocket, counts func(string) bool) *cmdTimer {
	t := &cmdTimer{counts: counts}
	sock.heard = func(cmd string) {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.heard.IsZero() && (t.counts == nil || t.counts(cmd)) {
			t.heard = time.Now()
		}
	}
	return t
}

// update runs g.Update on svcs and reports whether a counted command was
// heard, recording its latency.
func (t *cmdTimer) update(b *testing.B, g *Generator, svcs []generator.Service) bool {
	t.mu.Lock()
	t.heard = time.Time{}
	t.mu.Unlock()
	start := time.Now()
	if err := g.Update(context.Background(), svcs); err != nil {
		b.Fatal(err)
	}
	t.mu.Lock()
	at := t.heard
	t.mu.Unlock()
	if at.IsZero() {
		return false
	}
	t.lat = append(t.lat, at.Sub(start))
	return true
}

// report adds the p50 latency as "cmd-ns".
func (t *cmdTimer) report(b *testing.B) {
	if len(t.lat) == 0 {
		return
	}
	slices.Sort(t.lat)
	b.ReportMetric(float64(t.lat[len(t.lat)/2].Nanoseconds()), "cmd-ns")
}
