package synapse

import (
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/version"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// syncGen is a fakeGen that says whether its output is in effect.
type syncGen struct {
	*fakeGen
	notYet atomic.Pointer[error]
}

func (g *syncGen) InSync(context.Context) error {
	if p := g.notYet.Load(); p != nil {
		return *p
	}
	return nil
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// /ready is 503 until the first update succeeded and the generator says
// it is in effect, then 200, as READY=1; /healthz is 200 throughout. The
// metrics: build info, reload results at 0 from the first scrape, the
// discovery age of each service.
func TestReadyAndMetrics(t *testing.T) {
	var mu sync.Mutex
	g := &syncGen{fakeGen: &fakeGen{name: "gen"}}
	pending := error(errors.New("reload pending"))
	g.notYet.Store(&pending)
	n := &recordNotes{}
	h := start(t, Options{Notifier: n, FirstUpdateTimeout: time.Hour}, func(h *harness) *Desired {
		gs := GeneratorSpec{Name: "gen", Fingerprint: "g", New: func(generator.Options) (generator.Generator, error) {
			mu.Lock()
			defer mu.Unlock()
			return g, nil
		}}
		d := desired(gs, spec("web", "w", ""))
		d.Prometheus = Prometheus{Enabled: true, Addr: "127.0.0.1:0"}
		return d
	})
	eventually(t, "server", func() bool { return h.d.MetricsAddr() != "" })
	base := "http://" + h.d.MetricsAddr()
	if code, _ := httpGet(t, base+"/ready"); code != 503 {
		t.Fatalf("/ready before discovery: %d", code)
	}
	if code, _ := httpGet(t, base+"/healthz"); code != 200 {
		t.Fatalf("/healthz: %d", code)
	}
	_, m := httpGet(t, base+"/metrics")
	for _, want := range []string{
		`synapse_build_info{goversion="` + version.GoVersion() + `",revision="` + version.Revision + `",version="` + version.Version + `"} 1`,
		`synapse_config_reloads_total{result="failure"} 0`, `synapse_config_reloads_total{result="success"} 0`,
		`synapse_discovery_age_seconds{service="web"} `,
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(m) {
			t.Errorf("first scrape lacks %s", want)
		}
	}

	h.hub.send(t, "web", 5)
	eventually(t, "first update", func() bool { return len(g.updates()) > 0 })
	eventually(t, "a waiting status", func() bool {
		return n.has("STATUS=config written; waiting for it to take effect: generator gen: reload pending")
	})
	if code, _ := httpGet(t, base+"/ready"); code != 503 || n.hasPrefix("READY=1") {
		t.Fatalf("/ready %d (messages %q) while the generator's output is not in effect", code, n.all())
	}
	g.notYet.Store(nil)
	eventually(t, "/ready 200", func() bool { code, _ := httpGet(t, base+"/ready"); return code == 200 })
	// The flag behind /ready is set just before READY=1 goes out.
	eventually(t, "READY=1 with the serving status", func() bool {
		return n.has("READY=1\nSTATUS=serving: 1 services, config written and in effect")
	})
	_, m = httpGet(t, base+"/metrics")
	age := regexp.MustCompile(`synapse_discovery_age_seconds\{service="web"\} (\S+)`).FindStringSubmatch(m)
	if age == nil {
		t.Fatalf("no discovery age:\n%s", m)
	}
	if v, err := strconv.ParseFloat(age[1], 64); err != nil || v < 0 || v > 60 {
		t.Fatalf("discovery age %q just after a good snapshot", age[1])
	}
}

type recordNotes struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recordNotes) Notify(s string) { r.mu.Lock(); r.msgs = append(r.msgs, s); r.mu.Unlock() }

func (r *recordNotes) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

func (r *recordNotes) has(msg string) bool {
	return slices.Contains(r.all(), msg)
}

func (r *recordNotes) hasPrefix(prefix string) bool {
	return slices.ContainsFunc(r.all(), func(m string) bool { return strings.HasPrefix(m, prefix) })
}

type pingWatcher struct{ err atomic.Pointer[error] }

func (w *pingWatcher) Run(ctx context.Context, _ chan<- watcher.Snapshot) error {
	<-ctx.Done()
	return nil
}
func (w *pingWatcher) Ping(context.Context) error {
	if p := w.err.Load(); p != nil {
		return *p
	}
	return nil
}

// The discovery age counts from the watcher's start until a first good
// snapshot; after it, a source that answers its ping is current (age 0),
// and one that does not ages from the last good moment.
func TestDiscoveryAge(t *testing.T) {
	w := &pingWatcher{}
	r := &runner{}
	t0 := time.Now()
	r.started = t0.Add(-time.Minute)
	r.setRunning(w)
	ctx := context.Background()
	if age := r.discoveryAge(ctx, t0); age != time.Minute {
		t.Fatalf("never discovered: age %s, want 1m (since the start)", age)
	}
	r.noteSnapshot(t0, nil)
	if age := r.discoveryAge(ctx, t0.Add(time.Hour)); age != 0 {
		t.Fatalf("pinging source: age %s, want 0", age)
	}
	down := error(errors.New("no session"))
	w.err.Store(&down)
	if age := r.discoveryAge(ctx, t0.Add(time.Hour+30*time.Second)); age != 30*time.Second {
		t.Fatalf("source down: age %s, want 30s since the last good ping", age)
	}
}
