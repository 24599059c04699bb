package haproxy

import (
	"context"
	"fmt"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

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
// socket hears that counts (counts nil: any command): in wall-clock time,
// in the process's CPU time (every thread's, the collector's too) and in
// the CPU time of the thread that runs the update, which a loaded machine
// does not stretch.
type cmdTimer struct {
	mu                 sync.Mutex
	heard              time.Time
	heardCPU, heardThr time.Duration
	thread             int32 // the clock of the update's thread
	counts             func(cmd string) bool
	lat, cpu, thr      []time.Duration
}

// processCPU is the CPU time the process used so far.
func processCPU() time.Duration { return cpuClock(unix.CLOCK_PROCESS_CPUTIME_ID) }

func cpuClock(id int32) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(id, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// threadClock is the CPU clock of thread tid, which other threads can
// read too (Linux's MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)).
func threadClock(tid int) int32 { return int32(^uint32(tid)<<3 | 6) }

func newCmdTimer(sock *fakeSocket, counts func(string) bool) *cmdTimer {
	t := &cmdTimer{counts: counts}
	sock.heard = func(cmd string) {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.heard.IsZero() && (t.counts == nil || t.counts(cmd)) {
			t.heard, t.heardCPU, t.heardThr = time.Now(), processCPU(), cpuClock(t.thread)
		}
	}
	return t
}

// update runs g.Update on svcs and reports whether a counted command was
// heard, recording its latency.
func (t *cmdTimer) update(b *testing.B, g *Generator, svcs []generator.Service) bool {
	t.mu.Lock()
	t.heard = time.Time{}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	t.thread = threadClock(unix.Gettid())
	t.mu.Unlock()
	start, startCPU, startThr := time.Now(), processCPU(), cpuClock(t.thread)
	if err := g.Update(context.Background(), svcs); err != nil {
		b.Fatal(err)
	}
	t.mu.Lock()
	at, atCPU, atThr := t.heard, t.heardCPU, t.heardThr
	t.mu.Unlock()
	if at.IsZero() {
		return false
	}
	t.lat, t.cpu, t.thr = append(t.lat, at.Sub(start)), append(t.cpu, atCPU-startCPU), append(t.thr, atThr-startThr)
	return true
}

// report adds the p50 latency as "cmd-ns", and the p50s of the process's
// and the update's thread's CPU time over it as "cmd-cpu-ns" and
// "cmd-thr-ns".
func (t *cmdTimer) report(b *testing.B) {
	if len(t.lat) == 0 {
		return
	}
	for _, m := range []struct {
		d    []time.Duration
		unit string
	}{{t.lat, "cmd-ns"}, {t.cpu, "cmd-cpu-ns"}, {t.thr, "cmd-thr-ns"}} {
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2].Nanoseconds()), m.unit)
	}
}
