package etcd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/etcdv2"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestRegisteredAndConfig(t *testing.T) {
	c := watchertest.Registered[*Config](t, Method)
	if c.Port != 4003 {
		t.Fatalf("NewConfig gives %#v", c)
	}
	watchertest.DecodeWarning(t, "etcd_host: e1\netcd_path: /nerve/services/web/services\netcd_prot: 1\n", c, "etcd_prot")
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := NewConfig()
	bad.Port, bad.Path = 0, "//"
	err := bad.Validate()
	for _, want := range []string{"etcd_host: missing", "etcd_port: 0", "etcd_path: missing"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to mention %q", err, want)
		}
	}
	if _, err := New("svc", bad, watcher.Options{}); err == nil {
		t.Error("New accepted an invalid config")
	}
}

const (
	payloadA = `{"host":"10.0.0.1","port":3000,"name":"i-a","weight":2}`
	payloadB = `{"host":"10.0.0.2","port":"3001","name":"i-b"}`
)

func TestEtcdReal(t *testing.T) {
	e := testutil.StartEtcd(t)
	const dir = "/nerve/services/web/services"
	r := start(t, testConfig("127.0.0.1", e.ClientPort, dir), time.Hour)
	r.Await(t, "empty set before any registration", backends())

	a := nerveReporter(t, e.ClientPort, dir, "i-a", payloadA)
	b := nerveReporter(t, e.ClientPort, dir, "i-b", payloadB)
	ctx := context.Background()
	if err := a.ReportUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.ReportUp(ctx); err != nil {
		t.Fatal(err)
	}
	s := r.Await(t, "both registrations", backends("i-a 10.0.0.1:3000 2 id", "i-b 10.0.0.2:3001 null id"))
	if got, want := *s.Backends[0].ID, keyID(t, e, dir+"/i-a"); got != want {
		t.Errorf("id %d, want the in-order key %d", got, want)
	}
	if !s.Backends[1].Port.IsString() {
		t.Error("port \"3001\" lost its JSON string type")
	}

	// maxWatch is an hour and nothing polls: only the watch delivers this.
	if err := a.ReportDown(ctx); err != nil {
		t.Fatal(err)
	}
	r.AwaitWithin(t, "deleted key gone", 2*time.Second, backends("i-b 10.0.0.2:3001 null id"))
	if err := r.W.Ping(ctx); err != nil {
		t.Errorf("Ping = %v", err)
	}
	if n := r.errors(t); n != 0 {
		t.Errorf("synapse_etcd_discovery_errors_total = %v while etcd is up, want 0", n)
	}

	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	r.Await(t, "stale snapshot once etcd stopped", stale)
	if err := r.W.Ping(ctx); err == nil {
		t.Error("Ping = nil with etcd stopped")
	}
	if n := r.errors(t); n < 1 {
		t.Errorf("synapse_etcd_discovery_errors_total = %v after a failed round, want >= 1", n)
	}
}

// TestEtcdPartitionRecovers cuts etcd off through a proxy, expects stale
// snapshots, then the backends again once it is back.
func TestEtcdPartitionRecovers(t *testing.T) {
	e := testutil.StartEtcd(t)
	p := testutil.NewTCPProxy(t, e.Addr())
	const dir = "/nerve/services/api/services"
	a := nerveReporter(t, e.ClientPort, dir, "i-a", payloadA)
	if err := a.ReportUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	host, port := splitAddr(t, p.Addr())
	r := start(t, testConfig(host, port, dir), time.Second) // a partitioned watch shows within 1s
	r.Await(t, "backend", backends("i-a 10.0.0.1:3000 2 id"))
	p.Block()
	r.Await(t, "stale snapshot while partitioned", stale)
	p.Unblock()
	r.Await(t, "recovered backend", backends("i-a 10.0.0.1:3000 2 id"))
}

func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	return addr[:i], port
}

// keyID reads the in-order key under instanceDir straight from etcd.
func keyID(t *testing.T, e *testutil.Etcd, instanceDir string) int64 {
	t.Helper()
	resp, err := http.Get(e.URL() + "/v2/keys" + instanceDir)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Node etcdv2.Node `json:"node"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Node.Nodes) != 1 {
		t.Fatalf("listing %s: %v, %+v", instanceDir, err, out.Node)
	}
	id, err := strconv.ParseInt(path.Base(out.Node.Nodes[0].Key), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestEtcdErrorAnswerCounted: an etcd error answer (here the v2 API's
// documented raft timeout) is a stale snapshot and one count of
// synapse_etcd_discovery_errors_total; the next good listing recovers.
func TestEtcdErrorAnswerCounted(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if failing.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out","index":0}`)
			return
		}
		if r.URL.Query().Get("wait") == "true" {
			<-r.Context().Done() // nothing changes: hold the watch
			return
		}
		w.Header().Set("X-Etcd-Index", "7")
		_, _ = io.WriteString(w, `{"action":"get","node":{"key":"/web","dir":true,"nodes":[{"key":"/web/i-a","dir":true,`+
			`"nodes":[{"key":"/web/i-a/00000000000000000007","value":`+strconv.Quote(payloadA)+`,"modifiedIndex":7,"createdIndex":7}]}]}}`)
	}))
	t.Cleanup(srv.Close)
	host, port := splitAddr(t, strings.TrimPrefix(srv.URL, "http://"))
	r := start(t, testConfig(host, port, "/web"), time.Hour)
	r.Await(t, "stale snapshot on an error answer", func(s watcher.Snapshot) error {
		if err := stale(s); err != nil {
			return err
		}
		if !strings.Contains(s.Err.Error(), "Raft Internal Error (code 300") {
			return fmt.Errorf("error %q does not carry etcd's message and code", s.Err)
		}
		return nil
	})
	if n := r.errors(t); n < 1 {
		t.Fatalf("synapse_etcd_discovery_errors_total = %v after an error answer, want >= 1", n)
	}
	failing.Store(false)
	r.Await(t, "recovered backends", backends("i-a 10.0.0.1:3000 2 id"))
}
