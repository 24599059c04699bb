package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// CoolVDS's 2014 blog post on SmartStack ("Escaping the Monolith") shows only
// the service part of a synapse.conf.json. testdata holds that block byte for
// byte (see testdata/README.md).
const (
	seedBlockFile = "testdata/coolvds-user-service.json"
	seedZKHosts   = `["zk1.coolvds.net:2181", "zk2.coolvds.net:2181"]`
	seedZKPath    = `"/services/user-service"`
)

func seedServiceBlock(t *testing.T) string {
	t.Helper()
	block, err := os.ReadFile(seedBlockFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(block)
}

// seedConfig places the blog's block, untouched except for the discovery
// hosts and path (the blog's hosts must not be resolved by a test), under
// services.user-service beside the top-level haproxy section every real
// config has.
func seedConfig(t *testing.T, block string, zkHosts []string, zkPath, dir string) string {
	t.Helper()
	hosts, err := json.Marshal(zkHosts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{seedZKHosts, seedZKPath} {
		if strings.Count(block, s) != 1 {
			t.Fatalf("blog block lost %s", s)
		}
	}
	block = strings.Replace(block, seedZKHosts, string(hosts), 1)
	block = strings.Replace(block, seedZKPath, fmt.Sprintf("%q", zkPath), 1)
	top, err := json.Marshal(map[string]any{
		"config_file_path": filepath.Join(dir, "haproxy.cfg"), "socket_file_path": filepath.Join(dir, "admin.sock"),
		"do_writes": true, "do_reloads": false,
		"global":   []string{"stats socket " + filepath.Join(dir, "admin.sock") + " mode 600 level admin"},
		"defaults": []string{"timeout connect 5s", "timeout client 30s", "timeout server 30s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return `{"services": {"user-service": ` + block + "},\n" + `"haproxy": ` + string(top) + "}\n"
}

func runSynapseCheck(t *testing.T, path string) (string, error) {
	t.Helper()
	out, err := exec.Command(buildSynapse(t), "-k", "-c", path).CombinedOutput()
	return string(out), err
}

func TestSynapseSeedCoolVDS(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	haproxy, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	block := seedServiceBlock(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "synapse.conf.json")
	cfg := seedConfig(t, block, z.Addrs(), testutil.ZKPath(t)+"/user-service", dir)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runSynapseCheck(t, cfgPath); err != nil {
		t.Fatalf("synapse -k: %v\n%s", err, out)
	}
	// Nothing is registered: the blog's default server is what HAProxy gets.
	startSynapse(t, "-c", cfgPath)
	hcfg := filepath.Join(dir, "haproxy.cfg")
	var rendered string
	testutil.Eventually(t, 30*time.Second, func() error {
		b, err := os.ReadFile(hcfg)
		if err != nil || !strings.Contains(string(b), "127.0.0.1:8080") {
			return fmt.Errorf("haproxy.cfg without the default server yet (%v)", err)
		}
		rendered = string(b)
		return nil
	})
	// An HTTP service puts a cookie on its servers, so by default
	// (server_slots auto) its backend is a slot pool: the default server
	// fills slot1 (docs/haproxy.md "Server slots").
	for _, want := range []string{"\tbind localhost:3210\n", "\tmode http\n", "\toption httpchk GET /health\n",
		"\tserver slot1 127.0.0.1:8080 id 1 cookie slot1 check inter 2s rise 3 fall 2\n"} {
		if !strings.Contains(rendered, want) {
			t.Errorf("haproxy.cfg lacks %q:\n%s", want, rendered)
		}
	}
	if out, err := exec.Command(haproxy, "-c", "-f", hcfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c rejects the rendered config: %v\n%s\n%s", err, out, rendered)
	}
}

// The blog's literal shape is not a whole config (the original fails on it
// too); the error must say what the file should look like.
func TestSynapseSeedLiteralShapeHint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "synapse.conf.json")
	if err := os.WriteFile(path, []byte(`{"service": `+seedServiceBlock(t)+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runSynapseCheck(t, path)
	if err == nil {
		t.Fatalf("synapse -k accepted a config without services:\n%s", out)
	}
	if want := `did you mean "services": {"user-service": {...}}?`; !strings.Contains(out, want) {
		t.Fatalf("error lacks %q:\n%s", want, out)
	}
}
