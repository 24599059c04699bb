package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/smartstack-go/smartstack/internal/generator/haproxy"
	"github.com/smartstack-go/smartstack/internal/synapse"
	synapseconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
	_ "github.com/smartstack-go/smartstack/internal/watcher/ec2tag"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// Clay.io's published synapse config (blog post "10x: Service Discovery at
// Clay.io", see testdata/README.md) is in testdata/clay.synapse.conf.json
// with its // comments removed and
// the lines the blog rendering lost put back: only the opening and closing
// braces and brackets. The test then swaps the two file paths for a temp
// directory and restores the log addresses the blog lost (see clayEdits).
// Its HAProxy 1.5 section line `listen stats :1937` is left as published:
// synapse writes it for the installed HAProxy (docs/haproxy.md).
// Credentials and region come from the AWS_* environment, as on Clay's
// hosts, and the endpoint from AWS_ENDPOINT_URL.
func clayConfig(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/clay.synapse.conf.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	edits := map[string]string{
		`"/etc/haproxy/haproxy.cfg"`: fmt.Sprintf("%q", filepath.Join(dir, "haproxy.cfg")),
		`"/var/haproxy/stats.sock"`:  fmt.Sprintf("%q", filepath.Join(dir, "stats.sock")),
	}
	for from, to := range clayEdits {
		edits[from] = to
	}
	for from, to := range edits {
		if strings.Count(doc, from) != 1 {
			t.Fatalf("clay config lost %s", from)
		}
		doc = strings.Replace(doc, from, to, 1)
	}
	path := filepath.Join(dir, "synapse.conf.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// clayEdits restore what the blog's rendering lost: `log local0` and
// `log local1 notice` lack the address every HAProxy version requires (1.x
// refused them too), most likely the `127.0.0.1` of HAProxy's classic
// sample config.
var clayEdits = map[string]string{
	`"log local0",`:       `"log 127.0.0.1 local0",`,
	`"log local1 notice"`: `"log 127.0.0.1 local1 notice"`,
}

func TestClaySeedRendersHAProxyConfig(t *testing.T) {
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	ec2 := newFakeEC2(t,
		ec2Instance{"i-1234567890abcdef0", "ip-192-168-1-88.eu-west-1.compute.internal", "192.168.1.88"},
		ec2Instance{"i-0598c7d356eba48d7", "ip-192-168-1-89.eu-west-1.compute.internal", "192.168.1.89"})
	ec2.tagValue = "true" // Clay's tag_value
	isolateAWS(t, ec2.URL, "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	dir := t.TempDir()
	path := clayConfig(t, dir)
	runDaemon(t, path)
	hcfg := filepath.Join(dir, "haproxy.cfg")
	var rendered string
	testutil.Eventually(t, 20*time.Second, func() error {
		b, err := os.ReadFile(hcfg)
		rendered = string(b)
		if err != nil || !strings.Contains(rendered, "192.168.1.89:50001") {
			return fmt.Errorf("haproxy.cfg without both servers yet (%v)", err)
		}
		return nil
	})
	for _, want := range []string{"\tbind :50003\n", "\tmode http\n",
		" 192.168.1.88:50001 ", " 192.168.1.89:50001 ", "listen stats\n\tbind :1937\n"} {
		if !strings.Contains(rendered, want) {
			t.Errorf("haproxy.cfg lacks %q:\n%s", want, rendered)
		}
	}
	if out, err := exec.Command(bin, "-c", "-f", hcfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c rejects the rendered config: %v\n%s\n%s", err, out, rendered)
	}
}

// runDaemon runs synapse in-process on the config at path until the test
// ends, loading it as the daemon's CLI does.
func runDaemon(t *testing.T, path string) {
	t.Helper()
	d, err := synapse.New(synapse.Options{Load: func() (*synapse.Desired, error) {
		cfg, warns, err := synapseconfig.Load(path, nil)
		if err != nil {
			return nil, err
		}
		return cfg.Desired(warns), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	})
}
