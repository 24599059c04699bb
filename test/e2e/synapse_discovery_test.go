package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// discoverySources is every source of TestSynapseEveryDiscoveryMethod:
// the real ZooKeeper, etcd and DNS server, and local servers speaking the
// Docker Engine, Marathon and EC2 APIs.
type discoverySources struct {
	zc       *gozk.Conn
	zkHosts  []string
	zkRoot   string
	etcd     *testutil.Etcd
	dns      *testutil.DNSServer
	docker   *jsonAPI
	marathon *jsonAPI
	ec2      *fakeEC2
	s3       *fakeS3
}

func startDiscoverySources(t *testing.T) *discoverySources {
	t.Helper()
	z := testutil.SharedZooKeeper(t)
	s := &discoverySources{zc: connectZK(t, z.Addrs()), zkHosts: z.Addrs(), zkRoot: testutil.ZKPath(t),
		etcd: testutil.StartEtcd(t), dns: testutil.StartDNS(t)}
	s.docker = newJSONAPI(t, "/containers/json", asList, dockerContainer("c1", 49153))
	s.marathon = newJSONAPI(t, "/v2/apps/web/tasks", asTasks, marathonTask("127.0.0.71", 31001), marathonTask("127.0.0.72", 31002))
	s.ec2 = newFakeEC2(t, ec2Instance{ID: "i-0a61", DNS: "ip-127-0-0-61.ec2.internal", IP: "127.0.0.61"})
	s.s3 = newFakeS3(t)
	s.s3.put(s3Toggle, "blue: 1\n")
	for _, p := range []string{"zk", "zkpoll", "zkdns", "zkdnspoll", "union", "seq", "blue", "green"} {
		createPath(t, s.zc, s.zkRoot+"/"+p)
	}
	s.register(t, "zk", "i1", "127.0.0.1", 8101)
	s.register(t, "zkpoll", "p1", "127.0.0.1", 8201)
	s.register(t, "zkdns", "z1", "zkdns-a.test", 8400)
	s.register(t, "zkdnspoll", "zp1", "zkdnspoll-a.test", 8500)
	s.register(t, "union", "u1", "127.0.0.1", 8801)
	s.register(t, "blue", "b1", "127.0.0.1", 9001)
	s.register(t, "green", "g1", "127.0.0.1", 9101)
	s.dns.Set("dnsweb.test", "127.0.0.32", "127.0.0.31")
	s.dns.Set("zkdns-a.test", "127.0.0.41")
	s.dns.Set("zkdnspoll-a.test", "127.0.0.51")
	s.dns.Set("union.test", "127.0.0.81")
	s.dns.Set("seq.test", "127.0.0.91")
	s.etcdRegister(t, "e1", 8701)
	return s
}

// register writes a nerve registration under the ZooKeeper dir sub.
func (s *discoverySources) register(t *testing.T, sub, name, host string, port int) {
	t.Helper()
	payload := fmt.Sprintf(`{"host":%q,"port":%d,"name":%q}`, host, port, name)
	if _, err := s.zc.Create(s.zkRoot+"/"+sub+"/"+name+"_", []byte(payload), gozk.FlagSequence,
		gozk.WorldACL(gozk.PermAll)); err != nil {
		t.Fatalf("register %s in %s: %v", name, sub, err)
	}
}

// s3Toggle is the path-style address of multi_s3's toggle object.
const s3Toggle = "/toggles/web.yaml"

const etcdDir = "/nerve/services/web/services"

// etcdRegister writes a registration as nerve's etcd reporter does: an
// in-order key under <etcd_path>/<instance_id>.
func (s *discoverySources) etcdRegister(t *testing.T, name string, port int) {
	t.Helper()
	v := url.Values{"value": {fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":%q}`, port, name)}}
	resp, err := http.PostForm(s.etcd.URL()+"/v2/keys"+etcdDir+"/"+name, v)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("etcd register %s: %s", name, resp.Status)
	}
}

// discoveryServices is one service per discovery method synapse has
// (docs/synapse.md), each pointed at its local source; polling methods poll fast.
func (s *discoverySources) discoveryServices() map[string]any {
	zk := func(sub string) map[string]any {
		return map[string]any{"method": "zookeeper", "hosts": s.zkHosts, "path": s.zkRoot + "/" + sub}
	}
	dns := func(name, host string, port int) map[string]any {
		return map[string]any{"method": "dns", "nameserver": s.dns.Addr, "check_interval": 0.2,
			"servers": []map[string]any{{"name": name, "host": host, "port": port}}}
	}
	withKeys := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	svc := map[string]any{
		"base": map[string]any{"discovery": map[string]any{"method": "base"},
			"default_servers": []map[string]any{{"name": "static", "host": "127.0.0.1", "port": 8000}}},
		"zk":     map[string]any{"discovery": zk("zk")},
		"zkpoll": map[string]any{"discovery": withKeys(zk("zkpoll"), "method", "zookeeper_poll", "polling_interval_sec", 0.5)},
		"dns":    map[string]any{"discovery": dns("dnsweb", "dnsweb.test", 8300)},
		"zkdns":  map[string]any{"discovery": withKeys(zk("zkdns"), "method", "zookeeper_dns", "nameserver", s.dns.Addr, "check_interval", 0.2)},
		"zkdnspoll": map[string]any{"discovery": withKeys(zk("zkdnspoll"), "method", "zookeeper_dns_poll", "nameserver", s.dns.Addr,
			"polling_interval_sec", 0.5, "check_interval", 0.2)},
		"docker": map[string]any{"discovery": map[string]any{"method": "docker", "image_name": "example/web", "container_port": 8080,
			"check_interval": 0.2, "servers": []map[string]any{{"name": "dockerhost", "host": "127.0.0.1", "port": portOf(s.docker.URL)}}}},
		"ec2tag": map[string]any{"backend_port_override": 8600, "discovery": map[string]any{"method": "ec2tag",
			"tag_name": "servicename", "tag_value": "web", "aws_region": "eu-west-1", "check_interval": 0.2,
			"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}},
		"marathon": map[string]any{"discovery": map[string]any{"method": "marathon", "marathon_api_url": s.marathon.URL,
			"application_name": "web", "check_interval": 0.2}},
		"etcd": map[string]any{"discovery": map[string]any{"method": "etcd", "etcd_host": "127.0.0.1",
			"etcd_port": s.etcd.ClientPort, "etcd_path": etcdDir}},
		"multi_union": map[string]any{"discovery": map[string]any{"method": "multi",
			"watchers": map[string]any{"zk": zk("union"), "dns": dns("udns", "union.test", 8802)},
			"resolver": map[string]any{"method": "union"}}},
		// The discovery_multi form: discovery becomes the child "primary".
		"multi_seq": map[string]any{"discovery": zk("seq"), "discovery_multi": map[string]any{
			"watchers": map[string]any{"fallback": dns("seqdns", "seq.test", 8902)},
			"resolver": map[string]any{"method": "sequential", "sequential_order": []string{"primary", "fallback"}}}},
		// s3_toggle follows the weights object in S3: all on blue, then green.
		"multi_s3": map[string]any{"discovery": map[string]any{"method": "multi",
			"watchers": map[string]any{"blue": zk("blue"), "green": zk("green")},
			"resolver": map[string]any{"method": "s3_toggle", "s3_url": "s3:/" + s3Toggle,
				"s3_polling_interval_seconds": 0.2, "aws_region": "eu-west-1",
				"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}}},
	}
	return svc
}

func portOf(rawURL string) int {
	u, _ := url.Parse(rawURL)
	p, _ := strconv.Atoi(u.Port())
	return p
}

// initialServers is what haproxy.cfg must hold per backend at start:
// each server's name and address, sorted.
var initialServers = map[string][]string{
	"base":        {"static_127.0.0.1:8000 127.0.0.1:8000"},
	"zk":          {"i1_127.0.0.1:8101 127.0.0.1:8101"},
	"zkpoll":      {"p1_127.0.0.1:8201 127.0.0.1:8201"},
	"dns":         {"dnsweb_127.0.0.31:8300 127.0.0.31:8300", "dnsweb_127.0.0.32:8300 127.0.0.32:8300"},
	"zkdns":       {"z1_127.0.0.41:8400 127.0.0.41:8400"},
	"zkdnspoll":   {"zp1_127.0.0.51:8500 127.0.0.51:8500"},
	"docker":      {"dockerhost_127.0.0.1:49153 127.0.0.1:49153"},
	"ec2tag":      {"ip-127-0-0-61.ec2.internal_127.0.0.61:8600 127.0.0.61:8600"},
	"marathon":    {"127.0.0.71_127.0.0.71:31001 127.0.0.71:31001", "127.0.0.72_127.0.0.72:31002 127.0.0.72:31002"},
	"etcd":        {"e1_127.0.0.1:8701 127.0.0.1:8701"},
	"multi_union": {"u1_127.0.0.1:8801 127.0.0.1:8801", "udns_127.0.0.81:8802 127.0.0.81:8802"},
	"multi_seq":   {"seqdns_127.0.0.91:8902 127.0.0.91:8902"},
	"multi_s3":    {"b1_127.0.0.1:9001 127.0.0.1:9001"},
}

// change adds a backend to every source that can take one and returns
// what haproxy.cfg must then hold.
func (s *discoverySources) change(t *testing.T) map[string][]string {
	t.Helper()
	s.register(t, "zk", "i2", "127.0.0.1", 8102)
	s.register(t, "zkpoll", "p2", "127.0.0.1", 8202)
	s.dns.Set("dnsweb.test", "127.0.0.33", "127.0.0.31", "127.0.0.32")
	s.docker.add(dockerContainer("c2", 49154))
	s.marathon.add(marathonTask("127.0.0.73", 31003))
	s.ec2.add(ec2Instance{ID: "i-0a62", DNS: "ip-127-0-0-62.ec2.internal", IP: "127.0.0.62"})
	s.etcdRegister(t, "e2", 8702)
	s.register(t, "seq", "s1", "127.0.0.1", 8901) // primary now has backends: sequential switches
	s.register(t, "zkdns", "z2", "zkdns-b.test", 8400)
	s.dns.Set("zkdns-b.test", "127.0.0.42")
	s.dns.Set("zkdnspoll-a.test", "127.0.0.51", "127.0.0.52") // found by check_interval, not ZooKeeper
	s.dns.Set("union.test", "127.0.0.81", "127.0.0.82")
	s.s3.put(s3Toggle, "blue: 0\ngreen: 1\n")
	want := map[string][]string{}
	for k, v := range initialServers {
		want[k] = slices.Clone(v)
	}
	add := func(svc string, servers ...string) {
		want[svc] = append(want[svc], servers...)
		slices.Sort(want[svc])
	}
	add("zk", "i2_127.0.0.1:8102 127.0.0.1:8102")
	add("zkpoll", "p2_127.0.0.1:8202 127.0.0.1:8202")
	add("dns", "dnsweb_127.0.0.33:8300 127.0.0.33:8300")
	add("docker", "dockerhost_127.0.0.1:49154 127.0.0.1:49154")
	add("marathon", "127.0.0.73_127.0.0.73:31003 127.0.0.73:31003")
	add("ec2tag", "ip-127-0-0-62.ec2.internal_127.0.0.62:8600 127.0.0.62:8600")
	add("etcd", "e2_127.0.0.1:8702 127.0.0.1:8702")
	add("zkdns", "z2_127.0.0.42:8400 127.0.0.42:8400")
	add("zkdnspoll", "zp1_127.0.0.52:8500 127.0.0.52:8500")
	add("multi_union", "udns_127.0.0.82:8802 127.0.0.82:8802")
	want["multi_seq"] = []string{"s1_127.0.0.1:8901 127.0.0.1:8901"}
	want["multi_s3"] = []string{"g1_127.0.0.1:9101 127.0.0.1:9101"}
	return want
}

// TestSynapseEveryDiscoveryMethod runs the synapse binary with one config
// holding a service per discovery method, each against its local source,
// and checks the haproxy.cfg it writes, before and after every source
// gained a backend (issue 7).
func TestSynapseEveryDiscoveryMethod(t *testing.T) {
	s := startDiscoverySources(t)
	isolateAWS(t, s.ec2.URL, s.s3.URL)
	dir := t.TempDir()
	cfgPath, hcfg := filepath.Join(dir, "synapse.json"), filepath.Join(dir, "haproxy.cfg")
	writeConfig(t, cfgPath, map[string]any{
		"services": s.discoveryServices(),
		"haproxy": map[string]any{
			"config_file_path": hcfg, "socket_file_path": filepath.Join(dir, "admin.sock"),
			"do_writes": true, "do_reloads": false,
			// The original's server names (<name>_<host>:<port>) carry what
			// each method discovered; slots would hide them.
			"server_slots": 0,
			"global":       []string{"stats socket " + filepath.Join(dir, "admin.sock") + " mode 600 level admin"},
			"defaults":     []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
		},
	})
	if out, err := runSynapseCheck(t, cfgPath); err != nil {
		t.Fatalf("synapse -k: %v\n%s", err, out)
	}
	startSynapse(t, "-c", cfgPath)
	checkServers(t, "initial", hcfg, initialServers)
	checkServers(t, "changed", hcfg, s.change(t))
}

// checkServers polls haproxy.cfg until every backend holds want, then
// reports each service in its own subtest and runs haproxy -c on it.
func checkServers(t *testing.T, phase, hcfg string, want map[string][]string) {
	t.Helper()
	var cfg string
	err := testutil.Poll(15*time.Second, func() error {
		b, err := os.ReadFile(hcfg)
		if err != nil {
			return err
		}
		cfg = string(b)
		for svc, servers := range want {
			if got := backendServers(cfg, svc); !slices.Equal(got, servers) {
				return fmt.Errorf("%s: %q", svc, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Logf("%s haproxy.cfg:\n%s", phase, cfg)
	}
	t.Run(phase, func(t *testing.T) {
		for _, svc := range slices.Sorted(maps.Keys(want)) {
			t.Run(svc, func(t *testing.T) {
				if got := backendServers(cfg, svc); !slices.Equal(got, want[svc]) {
					t.Errorf("backend %s servers\n%q\nwant\n%q", svc, got, want[svc])
				}
			})
		}
		t.Run("haproxy -c", func(t *testing.T) { haproxyCheck(t, cfg) })
	})
}

// backendServers is "name address" of every server line of the backend
// section named svc, sorted (the generator shuffles servers by default);
// nil when there is no such section.
func backendServers(cfg, svc string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(cfg, "\n") {
		if line != "" && line[0] != '\t' && line[0] != ' ' {
			in = line == "backend "+svc
			continue
		}
		f := strings.Fields(line)
		if in && len(f) >= 3 && f[0] == "server" {
			out = append(out, f[1]+" "+f[2])
		}
	}
	slices.Sort(out)
	return out
}

// haproxyCheck runs haproxy -c on a copy of cfg: synapse may rewrite the
// file meanwhile.
func haproxyCheck(t *testing.T, cfg string) {
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c rejects the rendered config: %v\n%s\n%s", err, out, cfg)
	}
}
