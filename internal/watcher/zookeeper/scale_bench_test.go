package zookeeper

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// BenchmarkScaleDiscovery is the discovery half of the scale benchmark
// (docs/benchmarks.md, "Scale"): 1,000 zookeeper watchers sharing one
// pooled connection read 1,000 services of 50 nerve registrations each
// from a real ZooKeeper. It reports what the watchers cost synapse, without
// the generator: the heap they keep alive after a full collection
// (live-MiB), goroutines, and the process CPU time and wall time until
// every backend was delivered. -short uses 100 services.
//
//	go test -run '^$' -bench ScaleDiscovery -benchtime 3x ./internal/watcher/zookeeper/
func BenchmarkScaleDiscovery(b *testing.B) {
	services, perService := 1000, 50
	if testing.Short() {
		services = 100
	}
	z := testutil.SharedZooKeeper(b)
	root := testutil.ZKPath(b)
	populateScale(b, z.Addrs(), root, services, perService)
	var live, cpu, wall, gor, stack float64
	for b.Loop() {
		r := discoverAll(b, z.Addrs(), root, services, perService)
		live += r.liveMiB
		cpu += r.cpu.Seconds()
		wall += r.wall.Seconds()
		gor += float64(r.goroutines)
		stack += r.stackMiB
	}
	n := float64(b.N)
	b.ReportMetric(live/n, "live-MiB")
	b.ReportMetric(cpu/n*1000, "cpu-ms")
	b.ReportMetric(wall/n*1000, "wall-ms")
	b.ReportMetric(gor/n, "goroutines")
	b.ReportMetric(stack/n, "stack-MiB")
}

type scaleRun struct {
	liveMiB    float64
	cpu, wall  time.Duration
	goroutines int
	stackMiB   float64
}

// discoverAll runs one watcher per service until each has delivered
// perService backends, measures, and stops them.
func discoverAll(b *testing.B, addrs []string, root string, services, perService int) scaleRun {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pool := NewPool()
	out := make(chan watcher.Snapshot, 256)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	cpu0, t0 := processCPU(b), time.Now()
	for i := range services {
		cfg := testConfig(addrs, fmt.Sprintf("%s/svc%04d", root, i))
		w, err := New(fmt.Sprintf("svc%04d", i), cfg, watcher.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		w.(*Watcher).pool = pool
		wg.Go(func() { _ = w.Run(ctx, out) })
	}
	// The consumer keeps the latest set of each service, as synapse does.
	latest := make(map[string]watcher.Snapshot, services)
	complete := 0
	timeout := time.After(5 * time.Minute)
	for complete < services {
		select {
		case s := <-out:
			was := len(latest[s.Service].Backends) == perService
			latest[s.Service] = s
			if !was && s.Err == nil && len(s.Backends) == perService {
				complete++
			}
		case <-timeout:
			b.Fatalf("%d of %d services complete after 5m", complete, services)
		}
	}
	r := scaleRun{wall: time.Since(t0), cpu: processCPU(b) - cpu0}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.liveMiB, r.goroutines = float64(ms.HeapAlloc)/(1<<20), runtime.NumGoroutine()
	r.stackMiB = float64(ms.StackInuse) / (1 << 20)
	writeHeapProfile(b)
	runtime.KeepAlive(latest)
	return r
}

// writeHeapProfile writes the live heap to $SCALE_HEAP_PROFILE, if set,
// for go tool pprof: what the watchers keep, by the function that
// allocated it. Set runtime.MemProfileRate (e.g. GODEBUG=memprofilerate=1)
// for exact figures.
func writeHeapProfile(b *testing.B) {
	path := os.Getenv("SCALE_HEAP_PROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// populateScale registers perService nerve payloads under each of services
// service znodes, as nerve names them ("<instance>_" plus a sequence).
func populateScale(b *testing.B, addrs []string, root string, services, perService int) {
	b.Helper()
	c, err := zk.Connect(context.Background(), addrs, zk.Options{SessionTimeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	work := make(chan int)
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for i := range work {
				if err := populateService(c, root, i, perService); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range services {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

func populateService(c *zk.Conn, root string, i, perService int) error {
	svc := fmt.Sprintf("%s/svc%04d", root, i)
	if err := zk.EnsurePath(context.Background(), c, svc); err != nil {
		return err
	}
	for j := range perService {
		data := fmt.Sprintf(`{"host":"127.%d.%d.%d","port":8080,"name":"i-%d-%d","weight":1}`, i/250, i%250, j+1, i, j)
		if _, err := c.Create(fmt.Sprintf("%s/i-%d-%d_", svc, i, j), []byte(data), zk.FlagSequence, zk.OpenACL); err != nil {
			return fmt.Errorf("create in %s: %w", svc, err)
		}
	}
	return nil
}
