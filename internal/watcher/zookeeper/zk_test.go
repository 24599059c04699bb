package zookeeper

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const nerveData = `{"host":"10.0.0.1","port":"8888","name":"i-1","weight":"1","haproxy_server_options":"backup","labels":{"z":"1","a":"2"},"skipGc":true,"haproxy_server_id":9}`

func TestNerveChildrenAppearAndDisappear(t *testing.T) {
	forModes(t, func(t *testing.T, mode string) {
		z := testutil.SharedZooKeeper(t)
		c := zkConn(t, z.Addrs())
		root := testutil.ZKPath(t) + "/services/web"
		cfg := testConfig(z.Addrs(), root)
		cfg.WatchMode = mode
		r := start(t, Method, cfg, nil)
		r.Await(t, "initial empty set", backends())
		if ok, _, err := c.Exists(root); err != nil || !ok {
			t.Fatalf("watched path not created: %v %v", ok, err)
		}

		first := mustCreate(t, c, root+"/i-1_", nerveData, zk.FlagEphemeral|zk.FlagSequence)
		r.Await(t, "first child", backends(
			`{"name":"i-1","host":"10.0.0.1","port":"8888","id":0,"weight":"1","haproxy_server_options":"backup","labels":{"z":"1","a":"2"}}`))
		mustCreate(t, c, root+"/i-2_", `{"host":"10.0.0.2","port":3000,"name":"i-2","weight":5}`, zk.FlagEphemeral|zk.FlagSequence)
		r.Await(t, "second child", backends(
			`{"name":"i-1","host":"10.0.0.1","port":"8888","id":0,"weight":"1","haproxy_server_options":"backup","labels":{"z":"1","a":"2"}}`,
			`{"name":"i-2","host":"10.0.0.2","port":3000,"id":1,"weight":5,"haproxy_server_options":null,"labels":null}`))
		if err := c.Delete(first, -1); err != nil {
			t.Fatal(err)
		}
		r.Await(t, "first removed", backends(
			`{"name":"i-2","host":"10.0.0.2","port":3000,"id":1,"weight":5,"haproxy_server_options":null,"labels":null}`))
		if err := r.W.(watcher.Pinger).Ping(t.Context()); err != nil {
			t.Fatalf("Ping = %v", err)
		}
	})
}

// getCounter counts data reads per path, to prove what was not read.
type getCounter struct {
	conn
	gets atomic.Int32
}

func (g *getCounter) GetW(p string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	g.note(p)
	return g.conn.GetW(p)
}

func (g *getCounter) Get(p string) ([]byte, *zk.Stat, error) {
	g.note(p)
	return g.conn.Get(p)
}

func (g *getCounter) note(p string) {
	if strings.Contains(p, "base64_") {
		g.gets.Add(1)
	}
}

func TestBase64NamesDecodedWithoutReadingData(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := zkConn(t, z.Addrs())
	root := testutil.ZKPath(t)
	mustEnsure(t, c, root)
	prefix, _ := registration.EncodedPrefix([]byte(`{"host":"127.0.0.1","port":"3000","labels":{"az":"a"}}`))
	mustCreate(t, c, root+"/"+prefix, "garbage, not JSON", zk.FlagEphemeral|zk.FlagSequence)
	// An encoded name that does not decode falls back to the data.
	mustCreate(t, c, root+"/base64_4_!!!!_0000000007", `{"host":"h2","port":1}`, 0)
	var counter *getCounter
	dial := func(ctx context.Context, servers []string, opts zk.Options) (conn, error) {
		inner, err := dialZK(ctx, servers, opts)
		if err != nil {
			return nil, err
		}
		counter = &getCounter{conn: inner}
		return counter, nil
	}
	r := start(t, Method, testConfig(z.Addrs(), root), dial)
	r.Await(t, "decoded from the name", backends(
		`{"name":null,"host":"h2","port":1,"id":7,"weight":null,"haproxy_server_options":null,"labels":null}`,
		`{"name":null,"host":"127.0.0.1","port":"3000","id":0,"weight":null,"haproxy_server_options":null,"labels":{"az":"a"}}`))
	if n := counter.gets.Load(); n != 1 {
		t.Fatalf("%d data reads of base64_ children, want 1 (only the undecodable one)", n)
	}
}

func TestServerSetDecoding(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := zkConn(t, z.Addrs())
	root := testutil.ZKPath(t)
	mustEnsure(t, c, root)
	mustCreate(t, c, root+"/member_0000000001",
		`{"serviceEndpoint":{"host":"h1","port":31943},"additionalEndpoints":{"http":{"host":"h1","port":31944}},"shard":0,"status":"ALIVE"}`, 0)
	mustCreate(t, c, root+"/member_0000000002", `{"serviceEndpoint":{"host":"h2","port":31945},"status":"DEAD"}`, 0)

	cfg := testConfig(z.Addrs(), root)
	cfg.Decode = &DecodeConfig{Method: "serverset"}
	r := start(t, Method, cfg, nil)
	r.Await(t, "service endpoints", backends(
		`{"name":"0","host":"h1","port":31943,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`,
		`{"name":null,"host":"h2","port":31945,"id":2,"weight":null,"haproxy_server_options":null,"labels":null}`))

	cfg = testConfig(z.Addrs(), root)
	cfg.Decode = &DecodeConfig{Method: "serverset", EndpointName: "http"}
	r = start(t, Method, cfg, nil)
	r.Await(t, "named endpoint; member without it skipped", backends(
		`{"name":"0","host":"h1","port":31944,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`))
	if n := r.logs.Count("skipping malformed zookeeper child"); n != 1 {
		t.Fatalf("%d skip log lines, want 1", n)
	}
}

func TestMalformedChildSkippedAndLoggedOncePerChange(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := zkConn(t, z.Addrs())
	root := testutil.ZKPath(t)
	mustEnsure(t, c, root)
	mustCreate(t, c, root+"/bad_0000000001", `{"host":"h"}`, 0)
	mustCreate(t, c, root+"/good_0000000002", `{"host":"g","port":1}`, 0)
	r := start(t, Method, testConfig(z.Addrs(), root), nil)
	good := `{"name":null,"host":"g","port":1,"id":2,"weight":null,"haproxy_server_options":null,"labels":null}`
	r.Await(t, "good one delivered", backends(good))
	mustCreate(t, c, root+"/other_0000000003", `{"host":"o","port":2}`, 0)
	r.Await(t, "another change", backends(good,
		`{"name":null,"host":"o","port":2,"id":3,"weight":null,"haproxy_server_options":null,"labels":null}`))
	if n := r.logs.Count("skipping malformed zookeeper child"); n != 1 {
		t.Fatalf("%d skip log lines after two rounds, want 1", n)
	}
	if _, err := c.Set(root+"/bad_0000000001", []byte(`{"host":"h","port":"x"}`), -1); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, waitLong, func() error {
		if n := r.logs.Count("skipping malformed zookeeper child"); n != 2 {
			return fmt.Errorf("%d skip log lines after the bad child changed, want 2", n)
		}
		return nil
	})
}

// vanishing deletes a child right after the list, so its read meets NoNode.
type vanishing struct {
	conn
	victim  string
	deleted atomic.Bool
}

func (v *vanishing) ChildrenW(p string) ([]string, *zk.Stat, <-chan zk.Event, error) {
	names, st, ch, err := v.conn.ChildrenW(p)
	if err == nil && v.deleted.CompareAndSwap(false, true) {
		_ = v.conn.Delete(v.victim, -1)
	}
	return names, st, ch, err
}

func TestChildGoneBetweenListAndRead(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := zkConn(t, z.Addrs())
	root := testutil.ZKPath(t)
	mustEnsure(t, c, root)
	mustCreate(t, c, root+"/stay_0000000001", `{"host":"s","port":1}`, 0)
	mustCreate(t, c, root+"/gone_0000000002", `{"host":"g","port":2}`, 0)
	dial := func(ctx context.Context, servers []string, opts zk.Options) (conn, error) {
		inner, err := dialZK(ctx, servers, opts)
		if err != nil {
			return nil, err
		}
		return &vanishing{conn: inner, victim: root + "/gone_0000000002"}, nil
	}
	r := start(t, Method, testConfig(z.Addrs(), root), dial)
	r.Await(t, "vanished child skipped", backends(
		`{"name":null,"host":"s","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`))
}
