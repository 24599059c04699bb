package haproxy

import (
	goruntime "runtime"
	"strings"
	"testing"
)

// BenchmarkLoneWeightChange is one backend's nerve weight changed among
// 1,000 services x 50 backends, against a fake stats socket that already
// runs every server: the runtime path alone, without HAProxy's own time.
// "cmd-ns" is Update's start to the "set server weight" reaching the
// socket (p50 over the run), ns/op the whole Update, with the file;
// "live-MB" is the heap after a forced collection at the end, the
// generator's memory with the test's services.
func BenchmarkLoneWeightChange(b *testing.B) {
	g, sock, svcs := scaleBench(b, nil)
	timer := newCmdTimer(sock, func(cmd string) bool { return strings.HasPrefix(cmd, "set server") })
	b.ResetTimer()
	for i := range b.N {
		// Each round over the services moves every weight on by one more,
		// so that a service's next weight differs from its last.
		reweigh(svcs, i%len(svcs), int64(2+(i+i/len(svcs))%50))
		if !timer.update(b, g, svcs) {
			b.Fatalf("update %d sent no set server command: %q %q", i, sock.commands(), g.PendingReload())
		}
	}
	b.StopTimer()
	timer.report(b)
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
