package docker

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// Over the wire: the Engine API's listing becomes
// {name: server name, host: server host, port: public port string} for
// matching images with container_port published, in listing order.
func TestBackendsFromContainers(t *testing.T) {
	f := newFakeDocker(t, watchertest.Testdata(t, "containers.json"))
	srv := dockerServer(t, f, "mainserver")
	r := start(t, testConfig(srv))
	r.Await(t, "matching containers", backends(
		backendJSON("mainserver", srv.Host, "49153"),
		backendJSON("mainserver", srv.Host, "49155"),
		backendJSON("mainserver", srv.Host, "49158"), // untagged image: ours only
	))
	if got := f.Paths(); len(got) == 0 || got[0] != "GET /containers/json" {
		t.Fatalf("requests %v, want GET /containers/json", got)
	}
}

func TestResponseChangesGiveNewSnapshots(t *testing.T) {
	f := newFakeDocker(t, `[]`)
	srv := dockerServer(t, f, "mainserver")
	r := start(t, testConfig(srv))
	r.Await(t, "no containers", backends())
	f.Set(http.StatusOK, `[{"Id":"8dfafdbc3a40","Image":"mycool/image:tagname","Ports":[{"PrivatePort":6379,"PublicPort":49153,"Type":"tcp"}]}]`, false)
	r.Await(t, "one container", backends(backendJSON("mainserver", srv.Host, "49153")))
	f.Set(http.StatusOK, `[{"Id":"8dfafdbc3a40","Image":"mycool/image:tagname","Ports":"0.0.0.0:49160->6379/tcp"}]`, false)
	r.Await(t, "legacy ports string", backends(backendJSON("mainserver", srv.Host, "49160")))
}

// One server failing keeps its last good backends; the others stay live.
func TestFailedServerKeepsLastGood(t *testing.T) {
	a := newFakeDocker(t, watchertest.Testdata(t, "containers.json"))
	b := newFakeDocker(t, `[{"Id":"1","Image":"mycool/image:v9","Ports":[{"PrivatePort":6379,"PublicPort":40000}]}]`)
	sa, sb := dockerServer(t, a, "a"), dockerServer(t, b, "b")
	r := start(t, testConfig(sa, sb))
	all := []string{
		backendJSON("a", sa.Host, "49153"), backendJSON("a", sa.Host, "49155"),
		backendJSON("a", sa.Host, "49158"), backendJSON("b", sb.Host, "40000"),
	}
	r.Await(t, "both servers", backends(all...))
	a.Set(http.StatusInternalServerError, `{"message":"Something went wrong."}`, false)
	b.Set(http.StatusOK, `[]`, false)
	r.Await(t, "a stale, b live", backends(all[:3]...))
	testutil.Eventually(t, watchertest.WaitLong, func() error {
		if r.W.Ping(t.Context()) == nil {
			return errors.New("Ping = nil while server a fails")
		}
		return nil
	})
}

// drop_failed_servers: the original's "that host contributes nothing".
func TestDropFailedServers(t *testing.T) {
	a := newFakeDocker(t, watchertest.Testdata(t, "containers.json"))
	b := newFakeDocker(t, `[{"Id":"1","Image":"mycool/image:v9","Ports":[{"PrivatePort":6379,"PublicPort":40000}]}]`)
	sa, sb := dockerServer(t, a, "a"), dockerServer(t, b, "b")
	cfg := testConfig(sa, sb)
	cfg.DropFailedServers = true
	r := start(t, cfg)
	r.Await(t, "both", func(s watcher.Snapshot) error { return countIs(s, 4) })
	a.Set(http.StatusOK, `{"not":"a list"}`, false)
	r.Await(t, "a dropped", backends(backendJSON("b", sb.Host, "40000")))
}

// Errors are swallowed: when no server answers, the
// round is stale, never a crash; timeouts and refused connections alike.
func TestAllServersFailingIsStale(t *testing.T) {
	f := newFakeDocker(t, watchertest.Testdata(t, "containers.json"))
	refused := Server{Name: "gone", Host: "127.0.0.1", Port: Port(strconv.Itoa(testutil.FreePort(t)))}
	cfg := testConfig(dockerServer(t, f, "slow"), refused)
	cfg.RequestTimeout = config.Duration(50 * time.Millisecond)
	r := start(t, cfg)
	r.Await(t, "one server up", func(s watcher.Snapshot) error { return countIs(s, 3) })
	f.Set(http.StatusOK, "", true)
	s := r.Await(t, "both down", stale("no docker server could be listed"))
	for _, want := range []string{"Timeout", "connection refused"} {
		if !strings.Contains(s.Err.Error(), want) {
			t.Errorf("error %q does not mention %q", s.Err, want)
		}
	}
	f.Set(http.StatusOK, watchertest.Testdata(t, "containers.json"), false)
	r.Await(t, "recovered", func(s watcher.Snapshot) error { return countIs(s, 3) })
}

// No port means 4243.
func TestServerURL(t *testing.T) {
	if got := (Server{Host: "server1.local", Name: "mainserver"}).baseURL(); got != "http://server1.local:4243" {
		t.Errorf("baseURL = %s", got)
	}
	if got := (Server{Host: "::1", Port: "2375"}).baseURL(); got != "http://[::1]:2375" {
		t.Errorf("baseURL = %s", got)
	}
}

func countIs(s watcher.Snapshot, n int) error {
	if s.Err != nil {
		return s.Err
	}
	if len(s.Backends) != n {
		return fmt.Errorf("got %d backends, want %d: %s", len(s.Backends), n, render(s.Backends))
	}
	return nil
}
