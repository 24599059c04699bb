package fault

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// convergeTimeout bounds how long the stack may take to agree after a
// fault ends: a session timeout for a stale node to go, plus the checks.
const convergeTimeout = 20 * time.Second

// converged waits until the registrations of web in ZooKeeper are exactly
// the healthy backends, and HAProxy's live servers of web exactly those
// registrations; then 20 requests in a row, each on a new connection,
// must be answered by healthy backends.
func (s *stack) converged(t *testing.T, healthy ...*backend) {
	t.Helper()
	want := map[string]bool{}
	names := map[string]bool{}
	for _, b := range healthy {
		want[b.addr], names["hello from "+b.name] = true, true
	}
	testutil.Eventually(t, convergeTimeout, func() error {
		reg, err := testutil.RegisteredAddrs(s.zc, s.path)
		if err != nil {
			return err
		}
		if !maps.Equal(reg, want) {
			return fmt.Errorf("ZooKeeper has %v, want the healthy backends %v", sorted(reg), sorted(want))
		}
		live, err := s.ha.LiveAddrs("web")
		if err != nil {
			return err
		}
		if !maps.Equal(live, reg) {
			return fmt.Errorf("HAProxy routes to %v, ZooKeeper has %v", sorted(live), sorted(reg))
		}
		return nil
	})
	s.requestsSucceed(t, 20, names)
}

// requestsSucceed sends n requests through HAProxy, one at a time, and
// fails on any not answered 200 by one of names (with none, by anyone).
func (s *stack) requestsSucceed(t *testing.T, n int, names map[string]bool) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := fmt.Sprintf("http://127.0.0.1:%d/", s.front)
	for i := range n {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatalf("request %d of %d through HAProxy: %v", i+1, n, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := strings.TrimSpace(string(b))
		if err != nil || resp.StatusCode != http.StatusOK || len(names) > 0 && !names[body] {
			t.Fatalf("request %d of %d through HAProxy: HTTP %d %q (%v); want 200 from one of %v",
				i+1, n, resp.StatusCode, body, err, sorted(names))
		}
	}
}

// waitAnswers waits until the client has had n more answers.
func (s *stack) waitAnswers(t *testing.T, n int) {
	t.Helper()
	from := total(s.traffic.OK())
	testutil.Eventually(t, 10*time.Second, func() error {
		if got := total(s.traffic.OK()) - from; got < n {
			return fmt.Errorf("%d answers, want %d", got, n)
		}
		return nil
	})
}

// noFailedRequest fails the test on any request the client saw fail,
// and checks that it was answered all along.
func (s *stack) noFailedRequest(t *testing.T) {
	t.Helper()
	s.waitAnswers(t, 20)
	failed, last := s.traffic.Failed()
	t.Logf("client: %d answered, failed %v", total(s.traffic.OK()), failed)
	if len(failed) > 0 {
		t.Errorf("failed requests with a healthy path through HAProxy: %v; latest:\n%s", failed, strings.Join(last, "\n"))
	}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func sorted(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// b1ComesBack is how most faults end: backend 0 alone in HAProxy, then
// backend 1 healthy again and both in it, every daemon still running.
func (s *stack) b1ComesBack(t *testing.T) {
	t.Helper()
	s.converged(t, s.backends[0])
	s.backends[1].set(healthy)
	s.converged(t, s.backends...)
	s.alive(t)
}

// waitUnregistered waits until b's registration is gone from ZooKeeper.
func (s *stack) waitUnregistered(t *testing.T, b *backend, within time.Duration) {
	t.Helper()
	testutil.Eventually(t, within, func() error {
		if reg, err := testutil.RegisteredAddrs(s.zc, s.path); err != nil || reg[b.addr] {
			return fmt.Errorf("%s still registered (%v)", b.addr, err)
		}
		return nil
	})
}
