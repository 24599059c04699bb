package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// procVitals is the memory and goroutines of synapse and every nerve at
// stage, their heap profiles kept under the run's dir.
func (s *stack) procVitals(stage string) map[string]string {
	out := map[string]string{}
	add := func(name, addr, sock string, p *testutil.Daemon) {
		v, err := readVitals(p.PID(), addr, sock)
		if err != nil {
			out[name] = "unreadable: " + err.Error()
			return
		}
		out[name] = fmt.Sprintf("%v (pid %d, start %d)", v, p.PID(), p.Starts)
		if _, err := saveHeapProfile(s.profileDir(), sock, name, stage); err != nil {
			out[name] += "; heap profile: " + err.Error()
		}
	}
	add("synapse", s.synMet, s.synSock, s.synapse)
	for _, b := range s.managed() {
		add(b.name+" nerve", b.metrics, b.sock, b.nerve)
	}
	return out
}

func (s *stack) profileDir() string { return filepath.Join(s.dir, "profiles") }

// converged waits until HAProxy routes to exactly the registered backends
// and every managed one is registered.
func (s *stack) converged(timeout time.Duration) error {
	return testutil.Poll(timeout, func() error {
		want, err := testutil.RegisteredAddrs(s.zc, zkRoot)
		if err != nil {
			return err
		}
		got, err := s.ha.LiveAddrs("web")
		if err != nil {
			return err
		}
		if len(want) != len(s.managed()) || !maps.Equal(want, got) {
			return fmt.Errorf("registered %v, HAProxy routes to %v", slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got)))
		}
		return nil
	})
}

// compare runs the comparer every o.every until ctx ends.
func (s *stack) compare(ctx context.Context, c *comparer, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			want, err := testutil.RegisteredAddrs(s.zc, zkRoot)
			if err != nil {
				c.skipped++
				continue
			}
			got, err := s.ha.LiveAddrs("web")
			if err != nil {
				c.skipped++
				continue
			}
			c.check(now, want, got)
		}
	}
}

func soak(s *stack, o options) (int, error) {
	fmt.Printf("soak: %v, %d backends under nerve, %d registered directly, %d-node ZooKeeper, window %v, seed %d\n",
		o.duration, o.backends, o.direct, o.zk, o.window, o.seed)
	if err := s.converged(60 * time.Second); err != nil {
		return 0, fmt.Errorf("the stack did not come up: %w", err)
	}
	traffic := testutil.StartTraffic(fmt.Sprintf("http://127.0.0.1:%d/", s.front), 4, 10*time.Millisecond)
	defer traffic.Stop()
	startVitals := s.procVitals("start")

	c := newComparer(o.window)
	ctx, cancel := context.WithCancel(context.Background())
	compared := make(chan struct{})
	go func() { defer close(compared); s.compare(ctx, c, o.every) }()

	res := s.chaos(o)
	logf("disturbances over; settling for %v", 2*o.window)
	time.Sleep(2 * o.window)
	cancel()
	<-compared
	traffic.Stop()
	s.reloads.read(s.synMet)
	res.vitals = append([]map[string]string{startVitals}, res.vitals...)
	report(s, c, traffic, res)
	if len(c.divergences) > 0 {
		return 1, nil
	}
	return 0, nil
}

// chaosResult is what the disturbances did, and the daemons' vitals at
// the start, after the warm-up and at the end.
type chaosResult struct {
	counts map[string]int
	errs   []string
	vitals []map[string]string
}

// chaos runs random actions one after another until the duration is up.
// The vitals are read once more after a fifth of the run (at most a
// minute): Go's heap and HAProxy's first reloads settle in the first
// seconds, so "flat" is judged from there.
func (s *stack) chaos(o options) chaosResult {
	r := seeded(o.seed)
	todo := chosen(o.skip)
	res := chaosResult{counts: map[string]int{}}
	start := time.Now()
	warmup := min(o.duration/5, time.Minute)
	for deadline := start.Add(o.duration); time.Now().Before(deadline); {
		pause(r, 500*time.Millisecond, 2*time.Second)
		if len(res.vitals) == 0 && time.Since(start) >= warmup {
			res.vitals = append(res.vitals, s.procVitals("warm"))
		}
		s.reloads.read(s.synMet)
		s.reviveExited()
		a := pick(r, todo)
		what, err := a.run(s, r)
		res.counts[a.name]++
		if err != nil {
			res.errs = append(res.errs, a.name+": "+err.Error())
			logf("%-20s FAILED: %v", a.name, err)
			continue
		}
		logf("%-20s %s", a.name, what)
	}
	return res
}

// reviveExited restarts a daemon that exited on its own; it is logged, as
// nothing in the soak should make one exit.
func (s *stack) reviveExited() {
	procs := []*testutil.Daemon{s.synapse}
	for _, b := range s.managed() {
		procs = append(procs, b.nerve, b.app)
	}
	for _, p := range procs {
		if p.Exited() {
			logf("UNEXPECTED EXIT of %s (%v); starting it again", p.Name, p.ExitState())
			if p == s.synapse {
				s.reloads.restarted()
			}
			_ = p.Start()
		}
	}
}

func report(s *stack, c *comparer, traffic *testutil.Traffic, res chaosResult) {
	counts, errs := res.counts, res.errs
	var b strings.Builder
	fmt.Fprintf(&b, "\n== soak result\n")
	fmt.Fprintf(&b, "disturbances: ")
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(&b, "%s %d; ", k, counts[k])
	}
	fmt.Fprintf(&b, "\ndisturbances that failed to run: %d\n", len(errs))
	for _, e := range errs {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	fmt.Fprintf(&b, "comparisons: %d (skipped, ZooKeeper or HAProxy not answering: %d)\n", c.checks, c.skipped)
	fmt.Fprintf(&b, "differences seen: %d, converged within the window: %d\n", len(c.converged)+len(c.open), len(c.converged)-countLong(c))
	fmt.Fprintf(&b, "convergence times (from the first comparison that saw the difference): %s\n", c.percentiles())
	fmt.Fprintf(&b, "divergences lasting over %v: %d\n", c.window, len(c.divergences))
	for _, d := range c.divergences {
		lasted := "still open at the end"
		if d.lasted > 0 {
			lasted = "lasted " + d.lasted.Round(time.Millisecond).String()
		}
		fmt.Fprintf(&b, "  %s %s since %s, %s\n", d.addr, d.kind, d.since.UTC().Format("15:04:05.000"), lasted)
	}
	ok := traffic.OK()
	failed, last := traffic.Failed()
	total := 0
	for _, n := range ok {
		total += n
	}
	fmt.Fprintf(&b, "requests: %d answered, failed by cause: %v\n", total, failed)
	for _, l := range last {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	rok, rfailed := s.reloads.totals()
	fmt.Fprintf(&b, "HAProxy reloads (synapse_haproxy_reloads_total): %.0f succeeded, %.0f failed\n", rok, rfailed)
	vitals := append(res.vitals, s.procVitals("end"))
	when := []string{"start", "warm", "end"}[3-len(vitals):]
	when[0] = "start"
	for _, k := range slices.Sorted(maps.Keys(vitals[0])) {
		for i, v := range vitals {
			name := k
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(&b, "%-9s %-6s %s\n", name, when[i]+":", v[k])
		}
	}
	s.growth(&b, when[len(when)-2])
	fmt.Print(b.String())
}

// growth prints, for each daemon, the allocation sites whose live bytes
// grew most between base (the warm-up, or the start in a short run) and
// the end. A daemon restarted in between compares two processes, which
// says little; run with -skip "synapse SIGKILL,nerve SIGKILL" to judge.
func (s *stack) growth(b *strings.Builder, base string) {
	fmt.Fprintf(b, "live heap growth, %s to end (go tool pprof -top -base; profiles in %s):\n", base, s.profileDir())
	names := []string{"synapse"}
	for _, bk := range s.managed() {
		names = append(names, bk.name+" nerve")
	}
	for _, name := range names {
		f := func(stage string) string {
			return filepath.Join(s.profileDir(), strings.ReplaceAll(name, " ", "-")+"-"+stage+".pb.gz")
		}
		fmt.Fprintf(b, "  %s:\n%s\n", name, heapGrowth(f(base), f("end"), 8))
	}
}
