package haproxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// identity is a backend server that answers every request with its name,
// and counts what reached it.
type identity struct {
	name string
	port int
	hits atomic.Int64 // TCP connections, or HTTP requests
}

func (s *identity) backend() registration.Backend { return live("", "127.0.0.1", s.port) }

func (s *identity) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// listenLoopback binds an ephemeral loopback port. Tests bind their
// backends before startRealSetup picks the frontend port, so FreePort
// cannot hand out a port a backend holds.
func listenLoopback(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// startIdentityTCP writes its name and a newline on every connection and
// closes it.
func startIdentityTCP(t *testing.T, name string) *identity {
	t.Helper()
	ln := listenLoopback(t)
	s := &identity{name: name, port: ln.Addr().(*net.TCPAddr).Port}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.hits.Add(1)
			_, _ = io.WriteString(c, name+"\n")
			c.Close()
		}
	})
	return s
}

// startIdentityHTTP answers every HTTP request with its name as the body.
func startIdentityHTTP(t *testing.T, name string) *identity {
	t.Helper()
	ln := listenLoopback(t)
	s := &identity{name: name, port: ln.Addr().(*net.TCPAddr).Port}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.hits.Add(1)
		_, _ = io.WriteString(w, name)
	}), ReadHeaderTimeout: integrationTimeout}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return s
}

// tcpGet opens a connection through the service's frontend and returns
// the name of the backend that answered.
func (r *realSetup) tcpGet() (string, error) {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(r.port), integrationTimeout)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(integrationTimeout))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("read through haproxy: %w", err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// cookieName is the persistence cookie of httpService's backend.
const cookieName = "SERVERID"

var noKeepAlive = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: integrationTimeout}

// httpGet sends one request through the frontend, with the persistence
// cookie when cookie is not empty, and returns who answered and the
// cookie HAProxy set ("" when it set none).
func (r *realSetup) httpGet(cookie string) (name, set string, err error) {
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(r.port)+"/", nil)
	if err != nil {
		return "", "", err
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: cookieName, Value: cookie})
	}
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("status %d, body %q: %v", resp.StatusCode, body, err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			set = c.Value
		}
	}
	return string(body), set, nil
}

// answeredBy fails unless n requests made by get are all answered by want.
func answeredBy(t *testing.T, n int, want string, get func() (string, error)) {
	t.Helper()
	for i := range n {
		got, err := get()
		if err != nil || got != want {
			t.Fatalf("request %d answered by %q (%v), want %s", i, got, err, want)
		}
	}
}

// awaitAnswer repeats requests until want answers one, bounded by
// integrationTimeout: a new backend must receive traffic.
func awaitAnswer(t *testing.T, want string, get func() (string, error)) {
	t.Helper()
	deadline := time.Now().Add(integrationTimeout)
	var seen []string
	for time.Now().Before(deadline) {
		got, err := get()
		if err == nil && got == want {
			return
		}
		seen = append(seen, fmt.Sprintf("%q (%v)", got, err))
	}
	t.Fatalf("%s never answered; answers: %s", want, strings.Join(seen[max(0, len(seen)-5):], ", "))
}

// procMark is what a reload changes: the worker's pid ("show info") and
// the master's reload counter ("show proc").
type procMark struct{ pid, reloads int }

func (r *realSetup) mark(t *testing.T) procMark {
	t.Helper()
	info, err := r.api.ShowInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return procMark{pid: info.PID, reloads: r.reloads(t)}
}

// checkNoReload fails if HAProxy reloaded since before, or if the
// generator still wants to.
func (r *realSetup) checkNoReload(t *testing.T, before procMark) {
	t.Helper()
	if now := r.mark(t); now != before {
		t.Errorf("haproxy reloaded: pid %d, %d reloads; was pid %d, %d reloads", now.pid, now.reloads, before.pid, before.reloads)
	}
	if p := r.g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// snapshot is every server of svc as HAProxy runs it: address, id, user
// weight and whether it is in maintenance.
func (r *realSetup) snapshot(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, s := range r.servers(t) {
		out[name] = fmt.Sprintf("%s:%d id %d weight %d maint %v", s.Addr, s.Port, s.ID, s.UWeight, s.AdminState.Maint())
	}
	return out
}

// forceReload reloads HAProxy from outside synapse and fails unless the
// servers come back with the same addresses, ids, weights and states.
func (r *realSetup) forceReload(t *testing.T) {
	t.Helper()
	before := r.snapshot(t)
	procs, err := r.h.Procs()
	if err != nil {
		t.Fatal(err)
	}
	r.h.Reload()
	if _, err := r.h.AwaitReload(procs); err != nil {
		t.Fatal(err)
	}
	after := r.snapshot(t)
	for name, want := range before {
		if after[name] != want {
			t.Errorf("server %s after the reload: %q, want %q", name, after[name], want)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d servers after the reload, want %d: %v", len(after), len(before), after)
	}
}

// cookieOf is the cookie value haproxy.cfg gives the server holding addr.
func (r *realSetup) cookieOf(t *testing.T, addr string) string {
	t.Helper()
	mustFlush(t, r.g)
	cfg, err := os.ReadFile(r.cfg.ConfigFilePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range stanza.Parse(string(cfg)) {
		for _, name := range b.Order {
			s := b.Servers[name]
			if s.Addr() == addr && s.Live {
				if v, ok := s.Option("cookie"); ok {
					return v
				}
			}
		}
	}
	t.Fatalf("haproxy.cfg has no live server with a cookie for %s", addr)
	return ""
}
