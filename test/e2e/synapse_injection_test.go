package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// TestSynapseRegistrationsAreData writes hostile registrations next to
// valid ones and checks that haproxy.cfg holds the valid servers and
// nothing else, that HAProxy accepts it, and that the rejections were
// counted.
func TestSynapseRegistrationsAreData(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	zkPath := testutil.ZKPath(t) + "/web"
	createPath(t, zc, zkPath)
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	metricsPort, frontPort := testutil.FreePort(t), testutil.FreePort(t)
	cfgPath := filepath.Join(t.TempDir(), "synapse.json")
	writeConfig(t, cfgPath, map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": z.Addrs(), "path": zkPath},
			"haproxy": map[string]any{"port": frontPort, "bind_address": "127.0.0.1",
				"listen": []string{"mode tcp"}, "backend_order": "asc"},
		}},
		"prometheus": map[string]any{"enabled": true, "bind": "127.0.0.1", "port": metricsPort},
		"haproxy": map[string]any{
			"config_file_path": h.ConfigPath, "socket_file_path": h.StatsSocket, "use_nerve_weights": true,
			"do_reloads": true, "reload_command": fmt.Sprintf("kill -USR2 %d", h.MasterPID()), "restart_interval": 0.1,
			"global":   []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
			"defaults": []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
		},
	})
	port := func() int { return testutil.FreePort(t) }
	p1, p2, p3, p4, p5, p6, p7 := port(), port(), port(), port(), port(), port(), port()
	children := map[string]string{
		// Valid, and kept as they are.
		"i1": fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"i1"}`, p1),
		"i2": fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"i2","haproxy_server_options":"id 7 backup"}`, p2),
		// Valid, but the name is rewritten, the options dropped, i2's id
		// (taken by dupid, the first child in name order) ignored, the
		// weight clamped.
		"name":   fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"a b;$(touch /tmp/pwned)#c"}`, p3),
		"opts":   fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"o","haproxy_server_options":"check; disable server web/i1"}`, p4),
		"bogus":  fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"b","haproxy_server_options":"bogus-keyword 1"}`, p5),
		"dupid":  fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"d","haproxy_server_options":"id 7"}`, p6),
		"weight": fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"w","weight":9999}`, p7),
		// Rejected.
		"deny":    `{"host":"127.0.0.1 \n\thttp-request deny deny_status 403 #","port":80,"name":"x"}`,
		"server":  `{"host":"1.2.3.4\n server evil 6.6.6.6:80","port":80,"name":"y"}`,
		"optsnl":  `{"host":"127.0.0.1","port":81,"name":"z","haproxy_server_options":"check\n\thttp-request deny"}`,
		"long":    `{"host":"` + strings.Repeat("a", 300) + `","port":80}`,
		"unicode": `{"host":"exämple.com","port":80}`,
	}
	for name, data := range children {
		if _, err := zc.Create(zkPath+"/"+name, []byte(data), 0, gozk.WorldACL(gozk.PermAll)); err != nil {
			t.Fatal(err)
		}
	}
	srv := func(name string, port int) string {
		return haproxy.ServerName(registration.Backend{Name: registration.StringValue(name), Host: "127.0.0.1", Port: registration.NumberPort(port)})
	}
	want := []string{
		fmt.Sprintf("server %s 127.0.0.1:%d", srv("a b;$(touch /tmp/pwned)#c", p3), p3),
		fmt.Sprintf("server %s 127.0.0.1:%d", srv("b", p5), p5),
		fmt.Sprintf("server %s 127.0.0.1:%d id 7", srv("d", p6), p6),
		fmt.Sprintf("server %s 127.0.0.1:%d", srv("i1", p1), p1),
		fmt.Sprintf("server %s 127.0.0.1:%d backup", srv("i2", p2), p2),
		fmt.Sprintf("server %s 127.0.0.1:%d", srv("o", p4), p4),
		fmt.Sprintf("server %s 127.0.0.1:%d weight 256", srv("w", p7), p7),
	}
	proc := startSynapse(t, "-c", cfgPath)
	var cfg string
	testutil.Eventually(t, 30*time.Second, func() error {
		b, err := os.ReadFile(h.ConfigPath)
		if err != nil {
			return err
		}
		cfg = string(b)
		if got := serverLines(cfg); !slices.Equal(got, want) {
			return fmt.Errorf("server lines (generated ids dropped):\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		return nil
	})
	checkOnlyServersAdded(t, cfg, []string{
		"", "global", "\tstats socket " + h.StatsSocket + " mode 600 level admin", "\tnbthread 1", "\thard-stop-after 10s",
		"defaults", "\tmode tcp", "\ttimeout connect 1s", "\ttimeout client 10s", "\ttimeout server 10s", "",
		"frontend web", "\tmode tcp", fmt.Sprintf("\tbind 127.0.0.1:%d", frontPort), "\tdefault_backend web", "",
		"backend web", "\tmode tcp", "",
	})
	if err := h.CheckConfig(cfg); err != nil {
		t.Fatalf("haproxy -c refuses synapse's config: %v\n%s", err, cfg)
	}
	testutil.Eventually(t, 20*time.Second, func() error {
		st, err := serverStatus(h, "web", srv("w", p7))
		if err != nil || st == "" {
			return fmt.Errorf("HAProxy did not load the new config: status %q (%v)", st, err)
		}
		return nil
	})
	logs := proc.stderr.String()
	for value, keyword := range map[string]string{"check; disable server web/i1": `check;`, "bogus-keyword 1": `bogus-keyword`} {
		lines := grepLines(logs, `haproxy_server_options="`+value+`"`)
		if n := strings.Count(lines, "\n") + 1; lines == "" || n != 1 || !strings.Contains(lines, `\"`+keyword+`\"`) {
			t.Errorf("warnings about options %q, want one naming %s:\n%s", value, keyword, lines)
		}
	}
	if n := strings.Count(logs, "skipping invalid registration"); n != 5 {
		t.Errorf("%d rejections logged, want 5:\n%s", n, grepLines(logs, "invalid"))
	}
	metrics := scrape(t, metricsPort)
	for _, m := range []string{
		`synapse_registrations_rejected_total{reason="host",service="web"} 4`,
		`synapse_registrations_rejected_total{reason="haproxy_server_options",service="web"} 1`,
	} {
		if !strings.Contains(metrics, m) {
			t.Errorf("metrics lack %s:\n%s", m, grepLines(metrics, "rejected"))
		}
	}
}

// serverLines returns the server lines of haproxy.cfg, sorted, words
// joined by one space, without the generated "id N" (its number depends
// on the order the children were seen) but with an id the options set.
func serverLines(cfg string) []string {
	var out []string
	for _, l := range strings.Split(cfg, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || f[0] != "server" {
			continue
		}
		if len(f) > 4 && f[3] == "id" && f[4] != "7" {
			f = slices.Delete(f, 3, 5)
		}
		out = append(out, strings.Join(f, " "))
	}
	slices.Sort(out)
	return out
}

// checkOnlyServersAdded compares every line but the header and the
// server lines with what synapse writes for the service without any
// backend: a registration can add its own server line, and no other. It
// also checks that no two servers share an id.
func checkOnlyServersAdded(t *testing.T, cfg string, want []string) {
	t.Helper()
	var rest []string
	ids := map[string]bool{}
	for _, l := range strings.Split(cfg, "\n")[1:] { // after the timestamp header
		f := strings.Fields(l)
		if len(f) == 0 || f[0] != "server" {
			rest = append(rest, l)
			continue
		}
		for i := 3; i+1 < len(f); i++ {
			if f[i] == "id" {
				if ids[f[i+1]] {
					t.Errorf("id %s used twice:\n%s", f[i+1], cfg)
				}
				ids[f[i+1]] = true
			}
		}
	}
	if !slices.Equal(rest, want) {
		t.Errorf("haproxy.cfg lines besides the servers:\n%q\nwant:\n%q", rest, want)
	}
}

func scrape(t *testing.T, port int) string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
