package etcd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/etcdv2"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// etcd's v2 store keeps the last 1000 events; a watch from an index older
// than that is answered with error 401 (EventIndexCleared).
const floodWrites = 1010

// watchCall is one watch request that went through the gate and etcd's
// answer to it: its HTTP status and, for an error, the v2 errorCode.
type watchCall struct {
	waitIndex uint64
	status    int
	code      int
}

// floodGate is a reverse proxy to a real etcd. Before it forwards the
// first watch it writes floodWrites keys outside the watched dir, so that
// etcd itself, not a fake, answers that watch with 401.
type floodGate struct {
	*httptest.Server
	etcd *url.URL

	mu      sync.Mutex
	flooded bool
	lists   int
	watches []watchCall
}

func newFloodGate(t *testing.T, e *testutil.Etcd) *floodGate {
	t.Helper()
	g := &floodGate{etcd: &url.URL{Scheme: "http", Host: e.Addr()}}
	rp := httputil.NewSingleHostReverseProxy(g.etcd)
	rp.FlushInterval = -1 // a watch's event must not wait in a buffer
	rp.ModifyResponse = g.record
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("wait") == "true" {
			g.floodOnce(t)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *floodGate) floodOnce(t *testing.T) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.flooded {
		return
	}
	g.flooded = true
	start := time.Now()
	if err := flood(g.etcd.String(), floodWrites); err != nil {
		t.Error(err)
	}
	t.Logf("%d writes to etcd in %s", floodWrites, time.Since(start))
}

// flood sets one key outside the watched dir n times; each set is an
// event in etcd's history. Eight writers keep it short on two cores.
func flood(base string, n int) error {
	const writers = 8
	errs := make(chan error, writers)
	var next sync.Mutex
	left := n
	for range writers {
		go func() {
			for {
				next.Lock()
				if left == 0 {
					next.Unlock()
					errs <- nil
					return
				}
				left--
				next.Unlock()
				if err := put(base+"/v2/keys/flood/k", "x"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var first error
	for range writers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func put(u, value string) error {
	req, err := http.NewRequest(http.MethodPut, u, strings.NewReader(url.Values{"value": {value}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("put %s: %w", u, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("put %s: %s", u, resp.Status)
	}
	return nil
}

// record notes every listing and every watch with etcd's answer; an error
// body is read and put back for the watcher.
func (g *floodGate) record(resp *http.Response) error {
	q := resp.Request.URL.Query()
	g.mu.Lock()
	defer g.mu.Unlock()
	if q.Get("wait") != "true" {
		g.lists++
		return nil
	}
	c := watchCall{status: resp.StatusCode}
	c.waitIndex, _ = strconv.ParseUint(q.Get("waitIndex"), 10, 64)
	if resp.StatusCode != http.StatusOK {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		var ae etcdv2.APIError
		_ = json.Unmarshal(b, &ae)
		c.code = ae.Code
	}
	g.watches = append(g.watches, c)
	return nil
}

// resynced checks that etcd answered the first watch with 401 and that
// the watcher then listed again and watches from past the flood.
func (g *floodGate) resynced() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case len(g.watches) == 0:
		return fmt.Errorf("no watch answered yet")
	case g.watches[0].code != etcdv2.CodeEventIndexCleared:
		return fmt.Errorf("first watch answered %+v, want etcd's code 401", g.watches[0])
	case g.lists < 2:
		return fmt.Errorf("%d listings, want a re-list after the 401", g.lists)
	case len(g.watches) < 2:
		return fmt.Errorf("no watch after the 401 yet")
	}
	if old, now := g.watches[0].waitIndex, g.watches[len(g.watches)-1].waitIndex; now < old+floodWrites {
		return fmt.Errorf("watching from index %d, want at least %d (the cleared %d + the flood)", now, old+floodWrites, old)
	}
	return nil
}

// TestEtcdIndexClearedResyncs: a watch whose index fell out of etcd's
// history is answered 401 by etcd; the watcher re-lists without reporting
// an error, watches from the new index, and so sees the next change at
// once (maxWatch is an hour: only a live watch can deliver it).
func TestEtcdIndexClearedResyncs(t *testing.T) {
	e := testutil.StartEtcd(t)
	const dir = "/nerve/services/web/services"
	if err := nerveReporter(t, e.ClientPort, dir, "i-a", payloadA).ReportUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	g := newFloodGate(t, e)
	host, port := splitAddr(t, strings.TrimPrefix(g.URL, "http://"))
	r := start(t, testConfig(host, port, dir), time.Hour)
	r.Await(t, "first listing", backends("i-a 10.0.0.1:3000 2 id"))
	r.drain(t, g.resynced)

	b := nerveReporter(t, e.ClientPort, dir, "i-b", payloadB)
	if err := b.ReportUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := backends("i-a 10.0.0.1:3000 2 id", "i-b 10.0.0.2:3001 null id")
	r.AwaitWithin(t, "registration after the resync", 2*time.Second, func(s watcher.Snapshot) error {
		if s.Err != nil {
			t.Errorf("error snapshot after the resync: %v", s.Err)
		}
		return want(s)
	})
	if n := r.errors(t); n != 0 {
		t.Errorf("synapse_etcd_discovery_errors_total = %v, want 0: a cleared index is a resync, not an error", n)
	}
}

// drain consumes snapshots, failing on an error snapshot, until cond
// holds.
func (r *running) drain(t *testing.T, cond func() error) {
	t.Helper()
	deadline := time.After(r.Wait)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case s := <-r.Out:
			if s.Err != nil {
				t.Fatalf("error snapshot: %v", s.Err)
			}
		case <-tick.C:
			if cond() == nil {
				return
			}
		case <-deadline:
			t.Fatalf("not within %s: %v", r.Wait, cond())
		}
	}
}
