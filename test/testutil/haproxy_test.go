package testutil

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func haproxyTestConfig(t *testing.T, backends ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "frontend fe\n\tbind 127.0.0.1:%d\n\tdefault_backend %s\n", FreePort(t), backends[0])
	for _, be := range backends {
		fmt.Fprintf(&b, "\nbackend %s\n\tbalance roundrobin\n\tserver s1 127.0.0.1:%d\n", be, FreePort(t))
	}
	return HAProxyConfig(b.String())
}

func TestHAProxyStartReloadStop(t *testing.T) {
	h := StartHAProxy(t, haproxyTestConfig(t, "alpha"))
	master := h.MasterPID()
	workers := h.WorkerPIDs()
	if len(workers) != 1 {
		t.Fatalf("workers = %v, want one", workers)
	}
	if out, err := h.Command("show stat"); err != nil || !strings.Contains(out, "alpha,s1,") {
		t.Fatalf("show stat = %q, %v; want alpha/s1", out, err)
	}
	if runtime.GOOS == "linux" {
		if group := haproxyGroup(master); !slices.Contains(group, workers[0]) {
			t.Fatalf("worker %d not in the master's process group %v", workers[0], group)
		}
	}

	h.WriteConfig(haproxyTestConfig(t, "alpha", "beta"))
	r := h.Reload()
	if r.Master != master || !slices.Equal(r.Old, workers) || len(r.New) != 1 || r.New[0] == workers[0] {
		t.Fatalf("reload = %+v, want master %d, old %v and one new worker", r, master, workers)
	}
	if out, err := h.Command("show stat"); err != nil || !strings.Contains(out, "beta,s1,") {
		t.Fatalf("after reload show stat = %q, %v; want beta/s1", out, err)
	}

	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	if left := haproxyGroup(master); len(left) > 0 {
		t.Fatalf("processes %v survived Stop", left)
	}
	if h.cmd.ProcessState == nil {
		t.Fatal("master not reaped")
	}
}

// TestHAProxyReloadReportsLingeringWorker also checks that the cleanup
// alone, with an old worker still holding a connection, leaves no process.
func TestHAProxyReloadReportsLingeringWorker(t *testing.T) {
	upstream, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer upstream.Close()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var master int
	t.Run("reload with open connection", func(t *testing.T) {
		port := FreePort(t)
		h := StartHAProxy(t, HAProxyConfig(fmt.Sprintf("listen app\n\tbind 127.0.0.1:%d\n\tserver up %s\n", port, upstream.Addr())))
		master = h.MasterPID()
		old := h.WorkerPIDs()
		// An open proxied connection keeps the old worker alive after the reload.
		client, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatal(err)
		}
		server, err := upstream.Accept()
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, client, server)

		before, err := h.Procs()
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(master, syscall.SIGUSR2); err != nil { // as a reload_command would
			t.Fatal(err)
		}
		r, err := h.AwaitReload(before)
		if err != nil || !slices.Equal(r.Lingering, old) || !slices.Equal(r.Old, old) {
			t.Fatalf("reload = %+v, %v; want old worker %v lingering", r, err, old)
		}
		if p, err := h.Procs(); err != nil || !slices.Equal(p.OldWorkers, old) {
			t.Fatalf("show proc = %+v, %v; want old workers %v", p, err, old)
		}
	})
	if master == 0 { // the subtest skipped (-short): no process group to check
		return
	}
	if left := haproxyGroup(master); len(left) > 0 {
		t.Fatalf("processes %v survived the cleanup", left)
	}
}

func TestHAProxyFailedReloadKeepsOldWorker(t *testing.T) {
	h := StartHAProxy(t, haproxyTestConfig(t, "alpha"))
	workers := h.WorkerPIDs()
	if err := os.WriteFile(h.ConfigPath, []byte("global\n\tbogus-keyword\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := h.TryReload()
	if err == nil || !strings.Contains(err.Error(), "reload failed") {
		t.Fatalf("TryReload with a bad config: err = %v, want reload failed", err)
	}
	if pid, err := h.servingPID(); err != nil || pid != workers[0] {
		t.Fatalf("stats socket served by %d (%v), want old worker %d", pid, err, workers[0])
	}
}

func TestHAProxyCheckConfigShowsHAProxyMessage(t *testing.T) {
	h := StartHAProxy(t, haproxyTestConfig(t, "alpha"))
	err := h.CheckConfig(HAProxyConfig("backend b\n\tbogus-keyword x\n"))
	if err == nil || !strings.Contains(err.Error(), "unknown keyword 'bogus-keyword'") {
		t.Fatalf("CheckConfig = %v, want HAProxy's unknown keyword message", err)
	}
}

func TestHAProxyStartFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: StartHAProxy skips before these checks")
	}
	tests := []struct {
		name, env, config, want string
	}{
		{"missing binary", "/nonexistent/haproxy", "", "apt-get install -y haproxy"},
		{"invalid config", "", HAProxyConfig("backend b\n\tbogus-keyword x\n"), "unknown keyword 'bogus-keyword'"},
		{"no stats socket", "", "defaults\n\ttimeout client 1s\n", HAProxyStatsSocketLine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv(haproxyEnvBin, tc.env)
			}
			rec := runHAProxyRecorded(t, func(tb testing.TB) { StartHAProxy(tb, tc.config) })
			if rec.skipped || !strings.Contains(rec.fatal, tc.want) {
				t.Fatalf("skipped=%v fatal=%q, want a failure containing %q", rec.skipped, rec.fatal, tc.want)
			}
		})
	}
}

func TestParseShowProc(t *testing.T) {
	const header = "#<PID>          <type>          <reloads>       <uptime>        <version>\n"
	tests := []struct {
		name, in string
		want     HAProxyProcs
	}{
		{"fresh", header + "644 master 0 [failed: 0] 0d00h00m01s 2.6.12\n# workers\n646 worker 0 0d00h00m01s 2.6.12\n# programs\n\n",
			HAProxyProcs{Master: 644, Workers: []int{646}}},
		{"old workers", header + "644 master 2 [failed: 0] 0d 2.6\n# workers\n670 worker 0 0d 2.6\n# old workers\n646 worker 1 0d 2.6\n# programs\n700 foo 0 0d -\n",
			HAProxyProcs{Master: 644, Reloads: 2, Workers: []int{670}, OldWorkers: []int{646}}},
		{"failed", header + "644 master 1 [failed: 1] 0d 2.6\n# workers\n646 worker 1 0d 2.6\n",
			HAProxyProcs{Master: 644, Reloads: 1, Failed: 1, Workers: []int{646}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseShowProc(tc.in)
			if err != nil || got.Master != tc.want.Master || got.Reloads != tc.want.Reloads || got.Failed != tc.want.Failed ||
				!slices.Equal(got.Workers, tc.want.Workers) || !slices.Equal(got.OldWorkers, tc.want.OldWorkers) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
	if _, err := parseShowProc("Unknown command\n"); err == nil {
		t.Fatal("no master line: want an error")
	}
}

// haproxyRecorder stands in for a testing.TB to observe whether a helper
// fails or skips; both end the helper's goroutine like the real ones do.
type haproxyRecorder struct {
	testing.TB
	mu      sync.Mutex
	fatal   string
	skipped bool
}

func (r *haproxyRecorder) Helper() {}

func (r *haproxyRecorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *haproxyRecorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatal = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *haproxyRecorder) Skip(...any) { r.SkipNow() }

func (r *haproxyRecorder) Skipf(string, ...any) { r.SkipNow() }

func (r *haproxyRecorder) SkipNow() {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
}

func runHAProxyRecorded(t *testing.T, fn func(testing.TB)) *haproxyRecorder {
	rec := &haproxyRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec
}
