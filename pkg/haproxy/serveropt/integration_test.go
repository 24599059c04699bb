package serveropt_test

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// These tests hold the allow-list to the real HAProxy (2.6 here): what
// Parse accepts, haproxy -c accepts without an alert on a server line of a
// mode http backend, and of a mode tcp one unless CheckMode refuses it;
// and what Parse refuses for its shape, HAProxy refuses too.

// haproxyCheck runs haproxy -c on the backend sections and returns its
// output; err is set when HAProxy finds the config invalid.
func haproxyCheck(t *testing.T, sections string) (string, error) {
	t.Helper()
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := strings.ReplaceAll(testutil.HAProxyConfig(sections), testutil.HAProxySocketPlaceholder, filepath.Join(dir, "admin.sock"))
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-c", "-f", path).CombinedOutput()
	return string(out), err
}

// backend renders one backend of the given mode with a server line per
// option string.
func backend(name, mode string, port int, opts []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "backend %s\n\tmode %s\n", name, mode)
	for i, o := range opts {
		fmt.Fprintf(&b, "\tserver s%d 127.0.0.1:%d %s\n", i, port, o)
	}
	return b.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	port, err := testutil.PickFreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func TestHAProxyAcceptsEveryAcceptedExample(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping a test that runs haproxy")
	}
	var httpOpts, tcpOpts []string
	for _, tc := range accepted {
		o, err := serveropt.Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if o.String() == "" {
			continue
		}
		httpOpts = append(httpOpts, o.String())
		if o.CheckMode("tcp") == nil {
			tcpOpts = append(tcpOpts, o.String())
		}
	}
	port := freePort(t)
	sections := backend("be_http", "http", port, httpOpts) + "\n" + backend("be_tcp", "tcp", port, tcpOpts) +
		"\n" + backend("be_dyn", "http", port, nil)
	out, err := haproxyCheck(t, sections)
	if err != nil || strings.Contains(out, "[ALERT]") {
		t.Fatalf("haproxy -c refuses accepted options: %v\n%s\nconfig:\n%s", err, out, sections)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "[WARNING]") && !strings.Contains(line, "tfo activated") &&
			!strings.Contains(line, "ignoring cookie") {
			t.Errorf("haproxy -c warns of something new: %s", line)
		}
	}

	// And HAProxy runs it, with every server in place.
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(sections))
	for be, want := range map[string]int{"be_http": len(httpOpts), "be_tcp": len(tcpOpts)} {
		state, err := h.Command("show servers state " + be)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(state, " "+be+" "); got != want {
			t.Errorf("%s has %d servers, want %d:\n%s", be, got, want, state)
		}
	}
	t.Run("add server", func(t *testing.T) { checkAddServer(t, h, port, httpOpts) })
}

// checkAddServer sends each option string on the runtime API's "add
// server" and expects HAProxy to take it exactly when StaticOnly is "".
// Options with an id go first: HAProxy numbers the others from 1, and a
// taken id is refused (keeping ids unique is the caller's job).
func checkAddServer(t *testing.T, h *testutil.HAProxy, port int, opts []string) {
	opts = slices.Clone(opts)
	slices.SortStableFunc(opts, func(a, b string) int {
		return cmp.Compare(b2i(strings.HasPrefix(b, "id ")), b2i(strings.HasPrefix(a, "id ")))
	})
	for i, in := range opts {
		o, err := serveropt.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		cmd := fmt.Sprintf("add server be_dyn/d%d 127.0.0.1:%d %s", i, port, o)
		answer, err := h.Command(cmd)
		if err != nil {
			t.Fatal(err)
		}
		added := strings.Contains(answer, "New server registered.")
		if static := o.StaticOnly(); added != (static == "") {
			t.Errorf("%s: answer %q, StaticOnly %q", cmd, strings.TrimSpace(answer), static)
		}
	}
}

// alsoRefusedByHAProxy are option strings Parse refuses that HAProxy 2.6
// refuses too (mode http backend): the bounds and companions of the
// allow-list are HAProxy's, not guesses.
var alsoRefusedByHAProxy = []string{
	"weight 257", "id 0", "id 2147483648", "rise 0", "fall 0", "error-limit 0",
	"inter 0", "fastinter 0", "downinter 0", "agent-inter 0", "inter 25d",
	"pool-max-conn -2", "addr 2001:db8::1", "addr ::1", "agent-addr 10.0.0.1:80",
	"ssl", "check check-ssl", "agent-check agent-inter 5s", "ssl verify required",
	"proto fcgi", "check check-proto h2",
	"ssl verify none ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2",
	"ssl verify none force-sslv3", "init-addr 10.0.0.1,::1", "bogus",
}

func TestHAProxyRefusesWhatParseRefuses(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping a test that runs haproxy")
	}
	port := freePort(t)
	for _, in := range alsoRefusedByHAProxy {
		t.Run(in, func(t *testing.T) {
			if _, err := serveropt.Parse(in); err == nil {
				t.Errorf("Parse(%q) accepts it", in)
			}
			out, err := haproxyCheck(t, backend("be", "http", port, []string{in}))
			if err == nil {
				t.Errorf("haproxy -c accepts %q, so refusing it is narrower than needed:\n%s", in, out)
			}
		})
	}
}

// TestHAProxyRefusesHTTPOnlyInTCP shows why CheckMode exists: each option
// it refuses for a mode tcp backend makes HAProxy fail or alert there.
func TestHAProxyRefusesHTTPOnlyInTCP(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping a test that runs haproxy")
	}
	port := freePort(t)
	for _, tc := range accepted {
		if !tc.http {
			continue
		}
		t.Run(tc.in, func(t *testing.T) {
			out, err := haproxyCheck(t, backend("be", "tcp", port, []string{tc.in}))
			if err == nil && !strings.Contains(out, "[ALERT]") {
				t.Errorf("haproxy -c takes %q in mode tcp without an alert:\n%s", tc.in, out)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
