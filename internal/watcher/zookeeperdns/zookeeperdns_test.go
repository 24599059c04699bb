package zookeeperdns

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/dns"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

const waitLong = 15 * time.Second

// run builds a watcher of method and runs it until the test ends; ZooKeeper
// shares the 2 cores, so it is given waitLong.
func run(t *testing.T, method string, cfg any) *watchertest.Running {
	t.Helper()
	r := watchertest.Run(t, watchertest.New[watcher.Watcher](t, method, cfg, watcher.Options{}))
	r.Wait = waitLong
	return r
}

func backends(want ...string) watchertest.Cond {
	return watchertest.Backends(watchertest.Service, want...)
}

func be(name, host string, port int, labels string) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%d,"id":null,"weight":null,"haproxy_server_options":null,"labels":%s}`,
		name, host, port, labels)
}

func TestZookeeperDNS(t *testing.T) {
	for _, method := range []string{Method, PollMethod} {
		t.Run(method, func(t *testing.T) { testZookeeperDNS(t, method) })
	}
}

func testZookeeperDNS(t *testing.T, method string) {
	z := testutil.SharedZooKeeper(t)
	c, err := zk.Connect(t.Context(), z.Addrs(), zk.Options{SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	root := testutil.ZKPath(t) + "/services/web"
	if err := zk.EnsurePath(t.Context(), c, root); err != nil {
		t.Fatal(err)
	}
	create := func(data string) {
		t.Helper()
		if _, err := c.Create(root+"/i_", []byte(data), zk.FlagSequence, zk.OpenACL); err != nil {
			t.Fatal(err)
		}
	}
	create(`{"host":"web.example","port":3000,"name":"i-1","weight":5,"labels":{"az":"a"}}`)
	names := testutil.StartDNS(t)
	names.Set("web.example", "10.0.0.2", "10.0.0.1")
	r := run(t, method, testConfig(t, method, z.Addrs(), root, names.Addr))
	r.Await(t, "resolved", backends(be("i-1", "10.0.0.1", 3000, `{"az":"a"}`), be("i-1", "10.0.0.2", 3000, `{"az":"a"}`)))

	names.Set("web.example", "10.0.0.3") // seen at the next check_interval
	r.Await(t, "address changed", backends(be("i-1", "10.0.0.3", 3000, `{"az":"a"}`)))
	create(`{"host":"10.9.9.9","port":"80","name":"i-2"}`)
	r.Await(t, "child added", backends(be("i-1", "10.0.0.3", 3000, `{"az":"a"}`),
		`{"name":"i-2","host":"10.9.9.9","port":"80","id":null,"weight":null,"haproxy_server_options":null,"labels":null}`))
	names.Delete("web.example") // NXDOMAIN: stale, not a shrunken list
	r.Await(t, "NXDOMAIN", watchertest.Stale(""))
}

func testConfig(t *testing.T, method string, hosts []string, root, ns string) any {
	t.Helper()
	src := fmt.Sprintf("hosts: [%s]\npath: %s\nnameserver: %s\ncheck_interval: 0.05\nsession_timeout: 4\n",
		strings.Join(hosts, ", "), root, ns)
	var c any = NewConfig()
	if method == PollMethod {
		src += "polling_interval_sec: 0.1\n"
		c = NewPollConfig()
	}
	ws, err := config.Decode("synapse.yaml", []byte(src), c)
	if err != nil || len(ws) != 0 {
		t.Fatalf("decode: %v, warnings %v", err, ws)
	}
	return c
}

func TestConfigDefaults(t *testing.T) {
	c := NewConfig()
	if time.Duration(c.CheckInterval) != dns.DefaultCheckInterval || c.interval() != dns.DefaultCheckInterval {
		t.Errorf("check_interval default %s", c.CheckInterval)
	}
	if _, err := New("svc", c, watcher.Options{}); err == nil || !strings.Contains(err.Error(), "hosts") {
		t.Errorf("missing hosts: err %v", err)
	}
	c = NewConfig()
	c.Hosts, c.Path, c.Nameserver = []string{"127.0.0.1:1"}, "/a", dns.Nameservers{"ns.example"}
	if _, err := New("svc", c, watcher.Options{}); err == nil || !strings.Contains(err.Error(), "nameserver") {
		t.Errorf("bad nameserver: err %v", err)
	}
}
