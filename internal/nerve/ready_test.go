package nerve

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/test/testutil"
)

type notes struct {
	mu   sync.Mutex
	msgs []string
}

func (n *notes) Notify(s string) { n.mu.Lock(); n.msgs = append(n.msgs, s); n.mu.Unlock() }

func (n *notes) joined() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.msgs, " | ")
}

// /ready answers 503 until every service has made its first report (the
// moment READY=1 is sent), then 200; /healthz is 200 while the loop runs.
// nerve_config_reloads_total has both results at 0 from the first scrape
// and counts each.
func TestReadyAndReloadMetrics(t *testing.T) {
	rep := newFakeReporter()
	rep.set(func(f *fakeReporter) { f.pingErr = errors.New("registry down") })
	spec := ServiceSpec{Name: "a", Fingerprint: "1", CheckInterval: time.Millisecond, MaxFailures: 1 << 30,
		NewReporter: func() (reporter.Reporter, error) { return rep, nil }}
	cfg := services(spec)
	cfg.Prometheus = Prometheus{Enabled: true, Addr: "127.0.0.1:0"}
	n := &notes{}
	td := startDaemon(t, cfg, func(o *Options) { o.Notifier = n })
	base := "http://" + waitAddr(t, td.d)

	testutil.Eventually(t, 5*time.Second, func() error {
		if rep.count("ping") < 3 {
			return fmt.Errorf("%d pings", rep.count("ping"))
		}
		return nil
	})
	do(t, "GET", base+"/ready", "", 503)
	do(t, "GET", base+"/healthz", "", 200)
	if strings.Contains(n.joined(), "READY=1") {
		t.Fatalf("READY=1 before the first report: %s", n.joined())
	}
	m := do(t, "GET", base+"/metrics", "", 200)
	for _, want := range []string{`nerve_config_reloads_total{result="success"} 0`, `nerve_config_reloads_total{result="failure"} 0`} {
		if !strings.Contains(m, want) {
			t.Errorf("first scrape lacks %s", want)
		}
	}

	rep.set(func(f *fakeReporter) { f.pingErr = nil })
	testutil.Eventually(t, 5*time.Second, func() error {
		if status(t, "GET", base+"/ready", "") != 200 {
			return fmt.Errorf("/ready not 200 after the first report")
		}
		return nil
	})
	if !rep.isRegistered() || !strings.Contains(n.joined(), "READY=1\nSTATUS=serving: 1 services reported") {
		t.Fatalf("registered %v, messages %s", rep.isRegistered(), n.joined())
	}

	wantMetric := func(want string) {
		t.Helper()
		testutil.Eventually(t, 5*time.Second, func() error {
			if m := do(t, "GET", base+"/metrics", "", 200); !strings.Contains(m, want) {
				return fmt.Errorf("metrics lack %s; messages %s", want, n.joined())
			}
			return nil
		})
	}
	td.load(nil, errors.New("bad key"))
	wantMetric(`nerve_config_reloads_total{result="failure"} 1`)
	td.load(cfg, nil)
	testutil.Eventually(t, 5*time.Second, func() error {
		m := do(t, "GET", base+"/metrics", "", 200)
		for _, want := range []string{`nerve_config_reloads_total{result="success"} 1`, `nerve_config_reloads_total{result="failure"} 1`} {
			if !strings.Contains(m, want) {
				return fmt.Errorf("metrics lack %s; messages %s", want, n.joined())
			}
		}
		return nil
	})
	got := n.joined()
	failed := "READY=1\nSTATUS=config reload failed; the previous config keeps running: bad key"
	if i, j := strings.Index(got, failed), strings.LastIndex(got, "RELOADING=1"); i < 0 || j < i ||
		!strings.HasSuffix(got, "READY=1\nSTATUS=config reloaded: 1 services") {
		t.Fatalf("messages: %s", got)
	}
}

// A main loop that stops iterating turns /healthz to 503; the clock is
// the lifecycle's, the loop's beat is left behind.
func TestHealthzStaleLoop(t *testing.T) {
	cfg := services()
	cfg.Prometheus = Prometheus{Enabled: true, Addr: "127.0.0.1:0"}
	td := startDaemon(t, cfg, func(o *Options) { o.LoopInterval = time.Hour })
	base := "http://" + waitAddr(t, td.d)
	do(t, "GET", base+"/healthz", "", 200)
	do(t, "GET", base+"/ready", "", 200) // no services: ready at once
	td.d.beat.Mark()
	hung := time.Now().Add(2 * td.d.life.StaleAfter())
	td.d.life.SetClock(func() time.Time { return hung })
	if body := do(t, "GET", base+"/healthz", "", 503); !strings.Contains(body, "nerve main loop has not run") {
		t.Fatalf("/healthz body %q", body)
	}
}
