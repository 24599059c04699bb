package multi

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/smartstack-go/smartstack/internal/watcher"
)

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// want reads the next snapshot and requires exactly hosts.
func want(t *testing.T, out <-chan watcher.Snapshot, hosts ...string) {
	t.Helper()
	if got := next(t, out); got.Err != nil || !slices.Equal(hostsOf(got.Backends), hosts) {
		t.Fatalf("got %v (err %v), want %v", hostsOf(got.Backends), got.Err, hosts)
	}
}

// The resolver follows the object through the real SDK: a new content
// switches child and sends its set; a 403, a 404 NoSuchKey, an invalid
// object or an unknown watcher name keep the current child (as in the
// original), and polling goes on.
func TestS3ToggleFollowsObject(t *testing.T) {
	f := newFakeS3(t, "primary: 100\nsecondary: 0\n")
	p, s := fake(t, "p"), fake(t, "s")
	w, out := startS3(t, "web", s3Multi("follow-bucket", "0.02"))
	p.send(t, watcher.Snapshot{Backends: backends("p1")})
	waitFor(t, out, "p1")
	s.send(t, watcher.Snapshot{Backends: backends("s1")})
	want(t, out, "p1") // secondary is not the current child

	f.set(http.StatusOK, "primary: 0\nsecondary: 100\n")
	waitFor(t, out, "s1")
	s.send(t, watcher.Snapshot{Err: errors.New("dns down")})
	want(t, out, "s1") // stale beats empty
	if err := w.Ping(t.Context()); err == nil || !strings.Contains(err.Error(), "current child secondary") {
		t.Fatalf("Ping = %v, want the current child's failure", err)
	}
	tg := w.resolver.(*s3Toggle)
	for _, tc := range []struct {
		name, body, reason string
		status             int
	}{
		{"access denied", "", reasonS3, http.StatusForbidden},
		{"no such key", "", reasonS3, http.StatusNotFound},
		{"invalid object", "primary: lots\n", reasonSchema, http.StatusOK},
		{"unparsable object", "primary: [\n", reasonParse, http.StatusOK},
		{"unknown watcher", "bogus: 1\n", "", http.StatusOK},
	} {
		f.set(tc.status, tc.body)
		// Fetches are sequential: the third request after the change
		// means the first two are fully handled.
		f.awaitRequests(t, len(f.requests())+3)
		p.send(t, watcher.Snapshot{Backends: backends("p-" + tc.name)})
		want(t, out, "s1")
		failures := tg.m.s3Failures.WithLabelValues("s3://follow-bucket/path1/path2", tc.reason)
		if n := counterValue(t, failures); tc.reason != "" && n < 2 {
			t.Fatalf("%s: %v failures counted for reason %s, want >= 2", tc.name, n, tc.reason)
		}
	}
	f.set(http.StatusOK, "primary: 1\n")
	waitFor(t, out, "p-unknown watcher")
	if n := counterValue(t, tg.m.switches.WithLabelValues("web", "primary")); n != 1 {
		t.Fatalf("switches to primary = %v, want 1", n)
	}
}

// Nothing is sent before the first fetch has ended, so a restart never
// briefly routes to primary when the object says secondary.
func TestS3ToggleWaitsForFirstFetch(t *testing.T) {
	f := newFakeS3(t, "secondary: 1\n")
	f.gate = make(chan struct{})
	p, s := fake(t, "p"), fake(t, "s")
	_, out := startS3(t, "web", s3Multi("gate-bucket", "3600"))
	p.send(t, watcher.Snapshot{Backends: backends("p1")})
	s.send(t, watcher.Snapshot{Backends: backends("s1")})
	f.awaitRequests(t, 1)
	close(f.gate)
	want(t, out, "s1")
}

// A first fetch that fails still ends the wait: the initial child, primary,
// is followed.
func TestS3ToggleFirstFetchFails(t *testing.T) {
	f := newFakeS3(t, "")
	f.set(http.StatusForbidden, "")
	p, _ := fake(t, "p"), fake(t, "s")
	_, out := startS3(t, "web", s3Multi("denied-bucket", "3600"))
	p.send(t, watcher.Snapshot{Backends: backends("p1")})
	waitFor(t, out, "p1")
	if n := len(f.requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

// Resolvers naming the same object share one poller,
// one fetch and one pick; it stops when the last resolver stops.
func TestS3PollerShared(t *testing.T) {
	t.Cleanup(func() {
		pollers.mu.Lock()
		defer pollers.mu.Unlock()
		if len(pollers.m) != 0 {
			t.Errorf("%d pollers still running after every watcher stopped", len(pollers.m))
		}
	})
	f := newFakeS3(t, "secondary: 1\n")
	s1, s2 := fake(t, "s"), fake(t, "s2")
	fake(t, "p")
	fake(t, "p2")
	_, out1 := startS3(t, "web", s3Multi("shared-bucket", "3600"))
	_, out2 := startS3(t, "api", strings.NewReplacer("id: p", "id: p2", "id: s", "id: s2").Replace(s3Multi("shared-bucket", "3600")))
	s1.send(t, watcher.Snapshot{Backends: backends("web-s")})
	s2.send(t, watcher.Snapshot{Backends: backends("api-s")})
	waitFor(t, out1, "web-s")
	waitFor(t, out2, "api-s")
	if n := len(f.requests()); n != 1 {
		t.Fatalf("%d fetches for two resolvers of one object, want 1", n)
	}
}

// Without a primary child the first child is the initial one.
func TestS3ToggleInitialChild(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{s3Multi("b", "60"), "primary"},
		{"{method: multi, watchers: {zz: {method: " + fakeMethod + ", id: z}, aa: {method: " + fakeMethod +
			", id: a}}, resolver: {method: s3_toggle, s3_url: 's3://b/k', s3_polling_interval_seconds: 60}}", "zz"},
	} {
		cfg, err := decode(t, tc.src)
		if err != nil {
			t.Fatal(err)
		}
		w, err := New("web", cfg, watcher.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tg := w.(*Watcher).resolver.(*s3Toggle)
		if tg.current != tc.want || tg.src.bucket != "b" || tg.src.interval != time.Duration(60*time.Second) {
			t.Fatalf("initial %q source %+v, want %q", tg.current, tg.src, tc.want)
		}
	}
}

// The schedule: the fetch after the first is splayed, later ones every
// interval; S3 failures back off from the interval up to the cap, with
// jitter; an object that is readable but invalid does not back off.
func TestS3PollerSchedule(t *testing.T) {
	p := &poller{src: s3Source{interval: 10 * time.Second}, opts: pollOpts{
		maxBackoff: 60 * time.Second,
		jitter:     func() float64 { return 0.75 },
		splay:      func(d time.Duration) time.Duration { return d / 4 },
	}}
	tests := []struct {
		fails int
		first bool
		want  time.Duration
	}{
		{0, true, 2500 * time.Millisecond},
		{0, false, 10 * time.Second},
		{1, false, 10 * time.Second}, // 10 s * 0.75, floored at the interval
		{2, false, 15 * time.Second},
		{3, false, 30 * time.Second},
		{4, false, 60 * time.Second},
		{9, true, 60 * time.Second},
	}
	for _, tc := range tests {
		if got := p.next(tc.fails, tc.first); got != tc.want {
			t.Errorf("next(%d, %v) = %s, want %s", tc.fails, tc.first, got, tc.want)
		}
	}
	s3Err := &fetchError{reasonS3, errors.New("403")}
	for _, tc := range []struct {
		err  error
		want int
	}{{s3Err, 3}, {&fetchError{reasonSchema, errors.New("bad")}, 0}, {nil, 0}} {
		if got := nextFails(2, tc.err); got != tc.want {
			t.Errorf("nextFails(2, %v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
