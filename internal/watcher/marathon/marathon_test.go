package marathon

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// One GET of /v2/apps/foo/tasks with
// Accept: application/json; marathon_api_path is templated.
func TestRequestsTasksEndpoint(t *testing.T) {
	for _, tc := range []struct{ apiPath, want string }{
		{"", "/v2/apps/foo/tasks"},
		{"/v3/tasks/%{app}", "/v3/tasks/foo"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			f := newFakeMarathon(t, watchertest.Testdata(t, "tasks.json"))
			cfg := testConfig(f.URL)
			cfg.CheckInterval = config.Duration(time.Hour) // exactly one poll
			if tc.apiPath != "" {
				cfg.MarathonAPIPath = tc.apiPath
			}
			r := start(t, cfg)
			r.Await(t, "first poll", func(s watcher.Snapshot) error { return s.Err })
			reqs := f.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			q := reqs[0]
			if q.Method != http.MethodGet || q.URL.Path != tc.want || q.Header.Get("Accept") != "application/json" {
				t.Fatalf("got %s %s Accept=%q, want GET %s Accept=application/json",
					q.Method, q.URL.Path, q.Header.Get("Accept"), tc.want)
			}
		})
	}
}

// Started tasks become {name: host, host, port:
// ports[port_index]} sorted by name; startedAt null is filtered; a missing
// port index gives no backend.
func TestBackendsFromTasks(t *testing.T) {
	for _, tc := range []struct {
		portIndex int
		want      []string
	}{
		{0, []string{backendJSON("agouti.local", 31336), backendJSON("zebra.local", 31002)}},
		{1, []string{backendJSON("agouti.local", 31337), backendJSON("zebra.local", 31003)}},
		{999, nil},
	} {
		f := newFakeMarathon(t, watchertest.Testdata(t, "tasks.json"))
		cfg := testConfig(f.URL)
		cfg.PortIndex = tc.portIndex
		start(t, cfg).Await(t, "backends", backends(tc.want...))
	}
}

func TestResponseChangesGiveNewSnapshots(t *testing.T) {
	f := newFakeMarathon(t, `{"tasks":[]}`)
	r := start(t, testConfig(f.URL))
	r.Await(t, "no tasks", backends())
	f.Set(http.StatusOK, watchertest.Testdata(t, "tasks.json"), false)
	r.Await(t, "two tasks", backends(backendJSON("agouti.local", 31336), backendJSON("zebra.local", 31002)))
	f.Set(http.StatusOK, `{"tasks":[{"host":"agouti.local","ports":["31336"],"startedAt":"2017-06-06T12:40:24.993Z"}]}`, false)
	r.Await(t, "string port kept a string", backends(
		`{"name":"agouti.local","host":"agouti.local","port":"31336","id":null,"weight":null,"haproxy_server_options":null,"labels":null}`))
	f.Set(http.StatusOK, `{}`, false)
	r.Await(t, "missing tasks key reads as none", backends())
}

// Failures are stale snapshots, never a crash, and the watcher recovers.
func TestErrorsAreStale(t *testing.T) {
	f := newFakeMarathon(t, `[]`)
	cfg := testConfig(f.URL)
	cfg.RequestTimeout = config.Duration(50 * time.Millisecond)
	r := start(t, cfg)
	r.Await(t, "array body", stale("not a JSON object"))
	f.Set(http.StatusNotFound, `{"message":"App '/foo' does not exist"}`, false)
	r.Await(t, "404", stale("404 Not Found"))
	f.Set(http.StatusOK, `{"tasks":[`, false)
	r.Await(t, "truncated body", stale("decode tasks response"))
	f.Set(http.StatusOK, "", true)
	r.Await(t, "hung response", stale("Timeout"))
	if err := r.W.Ping(t.Context()); err == nil {
		t.Fatal("Ping = nil while polls fail")
	}
	f.Set(http.StatusOK, watchertest.Testdata(t, "tasks.json"), false)
	r.Await(t, "recovered", backends(backendJSON("agouti.local", 31336), backendJSON("zebra.local", 31002)))
	testutil.Eventually(t, watchertest.WaitLong, func() error { return r.W.Ping(t.Context()) })
}

func TestConnectionRefusedIsStale(t *testing.T) {
	url := "http://127.0.0.1:" + strconv.Itoa(testutil.FreePort(t))
	start(t, testConfig(url)).Await(t, "refused", stale("connection refused"))
}

// A 10 s poll with check_interval 11 sleeps 1 s.
func TestNextDelay(t *testing.T) {
	for _, tc := range []struct{ interval, elapsed, want time.Duration }{
		{11 * time.Second, 10 * time.Second, time.Second},
		{10 * time.Second, 12 * time.Second, 0},
		{10 * time.Second, 0, 10 * time.Second},
	} {
		if got := nextDelay(tc.interval, tc.elapsed); got != tc.want {
			t.Errorf("nextDelay(%s, %s) = %s, want %s", tc.interval, tc.elapsed, got, tc.want)
		}
	}
}

func TestRandomSplayInRange(t *testing.T) {
	for range 100 {
		if d := randomSplay(time.Second); d < 0 || d >= time.Second {
			t.Fatalf("splay %s outside [0, 1s)", d)
		}
	}
}
