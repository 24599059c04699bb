package fault

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// Registrations synapse must skip, among them a 1 MB one: it keeps
// running, keeps routing to the good ones and keeps following changes;
// no request fails.
func TestMalformedZnodes(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	bad := map[string][]byte{
		"not_json":   []byte("not json {"),
		"empty":      nil,
		"partial":    []byte(`{"host":"127.0.0.1","port":`),
		"no_port":    []byte(`{"host":"127.0.0.1"}`),
		"port_range": []byte(`{"host":"127.0.0.1","port":99999}`),
		"empty_host": []byte(`{"host":"","port":80}`),
		"one_mb":     []byte(strings.Repeat("x", 1000*1000)),
	}
	var paths []string
	for name, data := range bad {
		p, err := s.zc.Create(s.path+"/"+name+"_", data, gozk.FlagSequence, gozk.WorldACL(gozk.PermAll))
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		paths = append(paths, p)
	}
	s.backends[1].set(sick)
	s.converged(t, s.backends[0])
	s.backends[1].set(healthy)
	s.converged(t, s.backends...)
	for _, p := range paths {
		if err := s.zc.Delete(p, -1); err != nil {
			t.Fatal(err)
		}
	}
	s.converged(t, s.backends...)
	s.alive(t)
	s.noFailedRequest(t)
}

// burstSize registrations are written into ZooKeeper in one transaction
// and removed in another.
const burstSize = 5000

// 5,000 registrations of a dynamic-server backend ("mode tcp") written
// at once, straight into ZooKeeper, then removed at once: HAProxy ends
// with all of them, then none, and the web service beside it loses no
// request meanwhile.
func TestBurstOfRegistrations(t *testing.T) {
	t.Parallel()
	bulkPath := testutil.ZKPath(t) + "/bulk"
	s := newStack(t, opts{backends: 2, services: map[string]any{}})
	if err := testutil.CreateZKPath(s.zc, bulkPath); err != nil {
		t.Fatal(err)
	}
	s.synConf["services"].(map[string]any)["bulk"] = map[string]any{
		"discovery":             s.discovery(bulkPath),
		"use_previous_backends": false, // none registered: none in HAProxy
		"haproxy": map[string]any{
			"port": testutil.FreePort(t), "bind_address": "127.0.0.1", "listen": []string{"mode tcp"},
		},
	}
	s.rewriteSynapseConfig()
	s.reloadSynapse(t)

	want := map[string]bool{}
	var ops []any
	for i := range burstSize {
		port := 20000 + i
		want[fmt.Sprintf("127.0.0.1:%d", port)] = true
		data := fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"bulk%d"}`, port, i)
		ops = append(ops, &gozk.CreateRequest{Path: fmt.Sprintf("%s/bulk%05d", bulkPath, i), Data: []byte(data), Acl: gozk.WorldACL(gozk.PermAll)})
	}
	start := time.Now()
	if _, err := s.zc.Multi(ops...); err != nil {
		t.Fatalf("create %d registrations: %v", burstSize, err)
	}
	s.waitBulk(t, bulkPath, want)
	t.Logf("%d registrations in HAProxy %s after the write", burstSize, time.Since(start).Round(time.Millisecond))

	ops = ops[:0]
	for i := range burstSize {
		ops = append(ops, &gozk.DeleteRequest{Path: fmt.Sprintf("%s/bulk%05d", bulkPath, i), Version: -1})
	}
	start = time.Now()
	if _, err := s.zc.Multi(ops...); err != nil {
		t.Fatalf("delete %d registrations: %v", burstSize, err)
	}
	s.waitBulk(t, bulkPath, map[string]bool{})
	t.Logf("%d registrations gone from HAProxy %s after the delete", burstSize, time.Since(start).Round(time.Millisecond))
	s.converged(t, s.backends...)
	s.alive(t)
	s.noFailedRequest(t)
}

// waitBulk waits until HAProxy's live servers of bulk are want.
func (s *stack) waitBulk(t *testing.T, path string, want map[string]bool) {
	t.Helper()
	testutil.Eventually(t, 60*time.Second, func() error {
		live, err := s.ha.LiveAddrs("bulk")
		if err != nil {
			return err
		}
		if !maps.Equal(live, want) {
			return fmt.Errorf("HAProxy routes bulk to %d servers, want %d", len(live), len(want))
		}
		return nil
	})
}

// reloadSynapse sends SIGHUP and waits until synapse says it took the
// new config.
func (s *stack) reloadSynapse(t *testing.T) {
	t.Helper()
	before := s.metric(t, "synapse_config_reloads_total", `result="success"`)
	if err := s.synapse.Signal(syscallSIGHUP); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if n := s.metric(t, "synapse_config_reloads_total", `result="success"`); n <= before {
			return fmt.Errorf("synapse has not reloaded its config (%v successful reloads)", n)
		}
		return nil
	})
}

// The service znode deleted with its registrations in one transaction
// (a cleanup script gone wrong) and left to be re-created: nerve
// registers again, synapse follows the new node; HAProxy keeps the
// backends it had meanwhile (use_previous_backends), so no request fails.
func TestServiceZnodeDeletedAndRecreated(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	var ops []any
	for _, n := range s.nodeNames(t) {
		ops = append(ops, &gozk.DeleteRequest{Path: s.path + "/" + n, Version: -1})
	}
	ops = append(ops, &gozk.DeleteRequest{Path: s.path, Version: -1})
	if _, err := s.zc.Multi(ops...); err != nil {
		t.Fatalf("delete %s and its registrations: %v", s.path, err)
	}
	s.converged(t, s.backends...)
	s.backends[1].set(sick)
	s.b1ComesBack(t)
	s.noFailedRequest(t)
}
