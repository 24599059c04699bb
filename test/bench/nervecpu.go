package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// nerveCPUResult is the nerve-cpu scenario's outcome for one binary: what
// a steady nerve costs with many services, each with one http check.
type nerveCPUResult struct {
	Binary    string  `json:"binary"`
	Services  int     `json:"services"`
	IntervalS float64 `json:"check_interval_s"`
	KeepAlive bool    `json:"keep_alive"`
	StartupMS float64 `json:"startup_ms"` // exec to every service registered
	WarmupS   float64 `json:"warmup_s"`
	WindowS   float64 `json:"window_s"`
	// CPU of the nerve process (utime+stime) over the window, and as a
	// share of one core.
	CPUSeconds float64 `json:"cpu_s"`
	CPUPercent float64 `json:"cpu_percent_of_core"`
	// Checks is the health requests its service answered in the window.
	Checks         int64   `json:"checks"`
	ChecksPerS     float64 `json:"checks_per_s"`
	CPUMicrosCheck float64 `json:"cpu_us_per_check"`
	RSSKiB         int64   `json:"rss_kib"`
	// The machine's load: /proc/loadavg before the nerves started, and the
	// busy share of all cores over the window, the nerves included.
	LoadAvg        string  `json:"loadavg_before"`
	MachineBusyPct float64 `json:"machine_busy_percent"`
}

// nerveRun is one nerve binary under measurement, with its own health
// service so that its checks are counted apart.
type nerveRun struct {
	p   *nerveProc
	svc *healthService
	res nerveCPUResult
	u0  procUsage
	n0  int64
}

// runNerveCPU starts one nerve per binary of -nerve (comma-separated) and
// measures them over the same window: on a shared machine, binaries
// compared in one window see the same load.
func runNerveCPU(ctx context.Context, e *env, o options) ([]nerveCPUResult, error) {
	var runs []*nerveRun
	load := loadAvg()
	for i, bin := range strings.Split(o.nerve, ",") {
		r, err := startNerveRun(ctx, e, o, bin, fmt.Sprintf("/bench/nervecpu%d", i))
		if err != nil {
			return nil, err
		}
		r.res.LoadAvg = load
		runs = append(runs, r)
	}
	sleepCtx(ctx, o.nerveWarmup)
	err := measureNerves(ctx, runs, o.nerveDuration)
	var out []nerveCPUResult
	for _, r := range runs {
		out = append(out, r.res)
		if err == nil {
			err = r.p.exited()
		}
	}
	return out, err
}

func startNerveRun(ctx context.Context, e *env, o options, bin, root string) (*nerveRun, error) {
	r := &nerveRun{res: nerveCPUResult{Binary: bin, Services: o.nerveServices, IntervalS: o.nerveInterval.Seconds(),
		KeepAlive: o.nerveKeepAlive, WarmupS: o.nerveWarmup.Seconds()}}
	var err error
	if r.svc, err = startHealthService(e); err != nil {
		return nil, err
	}
	services := serviceNames("nerve", o.nerveServices)
	if err := createServices(e.zc, root, services); err != nil {
		return nil, err
	}
	start := time.Now()
	r.p, err = e.startNerve(bin, "nerve-cpu"+strings.ReplaceAll(root, "/", "-"), nerveCPUConfig(e, o, root, services, r.svc.port))
	if err != nil {
		return nil, err
	}
	if err := waitRegistered(ctx, e, root, services, o.startTimeout, r.p.exited); err != nil {
		return nil, err
	}
	r.res.StartupMS = ms(time.Since(start))
	return r, nil
}

// measureNerves reads each nerve's CPU, its checks served and the
// machine's busy time before and after the window.
func measureNerves(ctx context.Context, runs []*nerveRun, d time.Duration) error {
	var err error
	for _, r := range runs {
		if r.u0, err = usage(r.p.pid()); err != nil {
			return fmt.Errorf("nerve usage: %w", err)
		}
		r.n0 = r.svc.served.Load()
	}
	busy0, total0 := cpuTimes()
	t0 := time.Now()
	sleepCtx(ctx, d)
	if err := ctx.Err(); err != nil {
		return err
	}
	window := time.Since(t0).Seconds()
	busy1, total1 := cpuTimes()
	for _, r := range runs {
		u1, err := usage(r.p.pid())
		if err != nil {
			return fmt.Errorf("nerve usage: %w", err)
		}
		res := &r.res
		res.WindowS = window
		res.CPUSeconds = u1.CPUSeconds - r.u0.CPUSeconds
		res.CPUPercent = 100 * res.CPUSeconds / window
		res.Checks = r.svc.served.Load() - r.n0
		res.ChecksPerS = float64(res.Checks) / window
		if res.Checks > 0 {
			res.CPUMicrosCheck = 1e6 * res.CPUSeconds / float64(res.Checks)
		}
		res.RSSKiB = u1.RSSKiB
		if total1 > total0 {
			res.MachineBusyPct = 100 * float64(busy1-busy0) / float64(total1-total0)
		}
	}
	return nil
}

// nerveCPUConfig: every service checks the same local health endpoint
// with one http check and registers under root/<service>.
func nerveCPUConfig(e *env, o options, root string, services []string, port int) map[string]any {
	svcs := map[string]any{}
	for _, s := range services {
		chk := map[string]any{"type": "http", "uri": "/health", "timeout": 1, "rise": 1, "fall": 1}
		if o.nerveKeepAlive {
			chk["keep_alive"] = true
		}
		svcs[s] = map[string]any{
			"host": "127.0.0.1", "port": port, "reporter_type": "zookeeper",
			"zk_hosts": e.zk.Addrs(), "zk_path": root + "/" + s,
			"check_interval": o.nerveInterval.Seconds(), "checks": []any{chk},
		}
	}
	return map[string]any{"instance_id": "bench-host", "services": svcs}
}

// waitRegistered polls ZooKeeper until every service has a child.
func waitRegistered(ctx context.Context, e *env, root string, services []string, timeout time.Duration, alive func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		missing := 0
		for _, s := range services {
			kids, _, err := e.zc.Children(root + "/" + s)
			if err != nil {
				return fmt.Errorf("children of %s: %w", s, err)
			}
			if len(kids) == 0 {
				missing++
			}
		}
		if missing == 0 {
			return nil
		}
		if err := alive(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d services not registered after %s", missing, len(services), timeout)
		}
		sleepCtx(ctx, 500*time.Millisecond)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// healthService answers GET /health with 200 and counts the answers.
type healthService struct {
	port   int
	served atomic.Int64
}

func startHealthService(e *env) (*healthService, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("health service: %w", err)
	}
	h := &healthService{port: ln.Addr().(*net.TCPAddr).Port}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.served.Add(1)
		_, _ = io.WriteString(w, "OK\n")
	})}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "bench: health service:", err)
		}
	}()
	e.defer_(func() { _ = srv.Close() })
	return h, nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// cpuTimes is the machine's busy and total clock ticks from /proc/stat's
// first line (busy: all but idle and iowait).
func cpuTimes() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
	for i, s := range f[1:] {
		v, _ := strconv.ParseInt(s, 10, 64)
		if i >= 8 { // guest and guest_nice are already in user and nice
			break
		}
		total += v
		if i != 3 && i != 4 {
			busy += v
		}
	}
	return busy, total
}

func (r *results) printNerveCPU(w io.Writer) {
	for _, n := range r.NerveCPU {
		what := fmt.Sprintf("nerve %d services x 1 http check at %gs", n.Services, n.IntervalS)
		if n.KeepAlive {
			what += ", keep_alive"
		}
		if len(r.NerveCPU) > 1 {
			what += " (" + n.Binary + ")"
		}
		fmt.Fprintf(w, "| %s: CPU over %.0f s (of one core) | %.1f %% (%.2f s) | |\n", what, n.WindowS, n.CPUPercent, n.CPUSeconds)
		fmt.Fprintf(w, "| %s: checks per s, CPU per check | %.0f, %.0f µs | |\n", what, n.ChecksPerS, n.CPUMicrosCheck)
		fmt.Fprintf(w, "| %s: start-up until all registered, RSS | %.0f ms, %.1f MiB | |\n", what, n.StartupMS, float64(n.RSSKiB)/1024)
		fmt.Fprintf(w, "| %s: machine busy over the window (2 cores, nerves included), load before | %.0f %%, %s | |\n", what, n.MachineBusyPct, n.LoadAvg)
	}
}
