package zookeeperdns

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/dns"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

const waitLong = 15 * time.Second

// names is a real DNS server on loopback UDP answering A records.
type names struct {
	mu sync.Mutex
	a  map[string][]string
}

func startDNS(t *testing.T) (*names, string) {
	t.Helper()
	n := &names{a: map[string][]string{}}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	s := &mdns.Server{PacketConn: pc, Handler: n, NotifyStartedFunc: func() { close(started) }}
	done := make(chan error, 1)
	go func() { done <- s.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = s.Shutdown(); <-done })
	return n, pc.LocalAddr().String()
}

func (n *names) set(name string, ips ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if ips == nil {
		delete(n.a, mdns.Fqdn(name))
		return
	}
	n.a[mdns.Fqdn(name)] = ips
}

func (n *names) ServeDNS(w mdns.ResponseWriter, r *mdns.Msg) {
	m := new(mdns.Msg)
	m.SetReply(r)
	q := r.Question[0]
	n.mu.Lock()
	ips, ok := n.a[q.Name]
	n.mu.Unlock()
	if !ok {
		m.Rcode = mdns.RcodeNameError
	}
	for _, ip := range ips {
		if q.Qtype == mdns.TypeA {
			m.Answer = append(m.Answer, &mdns.A{Hdr: mdns.RR_Header{Name: q.Name, Rrtype: mdns.TypeA,
				Class: mdns.ClassINET, Ttl: 5}, A: net.ParseIP(ip)})
		}
	}
	_ = w.WriteMsg(m)
}

func run(t *testing.T, method string, cfg any) <-chan watcher.Snapshot {
	t.Helper()
	w, err := watcher.New(method, "svc", cfg, watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan watcher.Snapshot)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, out) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v after cancel", err)
		}
	})
	return out
}

// await reads snapshots until one renders as want ("ERR" for an Err).
func await(t *testing.T, out <-chan watcher.Snapshot, want ...string) {
	t.Helper()
	deadline := time.After(waitLong)
	var got string
	for {
		select {
		case s := <-out:
			if got = render(s); got == strings.Join(want, "\n") {
				return
			}
		case <-deadline:
			t.Fatalf("not seen within %s:\n%s\nlast:\n%s", waitLong, strings.Join(want, "\n"), got)
		}
	}
}

func render(s watcher.Snapshot) string {
	if s.Err != nil {
		return "ERR"
	}
	var lines []string
	for _, b := range s.Backends {
		j, _ := b.MarshalJSON()
		lines = append(lines, string(j))
	}
	return strings.Join(lines, "\n")
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
	names, ns := startDNS(t)
	names.set("web.example", "10.0.0.2", "10.0.0.1")
	out := run(t, method, testConfig(t, method, z.Addrs(), root, ns))
	await(t, out, be("i-1", "10.0.0.1", 3000, `{"az":"a"}`), be("i-1", "10.0.0.2", 3000, `{"az":"a"}`))

	names.set("web.example", "10.0.0.3") // seen at the next check_interval
	await(t, out, be("i-1", "10.0.0.3", 3000, `{"az":"a"}`))
	create(`{"host":"10.9.9.9","port":"80","name":"i-2"}`)
	await(t, out, be("i-1", "10.0.0.3", 3000, `{"az":"a"}`),
		`{"name":"i-2","host":"10.9.9.9","port":"80","id":null,"weight":null,"haproxy_server_options":null,"labels":null}`)
	names.set("web.example") // NXDOMAIN: stale, not a shrunken list
	await(t, out, "ERR")
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
