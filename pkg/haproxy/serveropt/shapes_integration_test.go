package serveropt_test

import (
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
)

// edgeArgs are arguments at and past the edges of every shape; each
// keyword is tried with each, and what Parse accepts goes to HAProxy.
var edgeArgs = []string{
	"0", "-0", "1", "-1", "-2", "007", "256", "257", "65535", "65536", "2147483647", "2147483648",
	"1us", "999us", "1ms", "24d", "25d", "2147483s", "2147484s", "0010s",
	"10.0.0.1", "10.0.0.1:80", "10.0.0.1:0", "0.0.0.0", "::", "::1", "::1:80", "::ffff:10.0.0.1",
	"2001:db8::1", "2001:db8::1:443", "10.0.0.1,::1",
	"none", "layer4", "layer7", "fastinter", "fail-check", "sudden-death", "mark-down",
	"shutdown-sessions", "shutdown-backup-sessions", "h1", "h2", "auto", "required",
	"h2,http/1.1", "http/1.1", "a", "-", "=", "a.b", "app.example.com", "1.2.3.4",
	"http://x", "https://x:1/y", "http://", "last", "libc", "last,libc,none", "none,10.0.0.1",
	"ssl,cert-cn,ssl-cipher,cert-sig,cert-key,authority,crc32c,unique-id", "ssl,ssl",
	"a@b+c/d=e,f:g", strings.Repeat("x", 255),
}

// companions are what some keywords need alongside.
var companions = map[string]string{"ssl": "verify none", "check-ssl": "verify none", "agent-check": "agent-port 1"}

// TestHAProxyAcceptsEveryShape tries each allowed keyword as a flag and
// with each edge argument, and runs haproxy -c on every combination Parse
// accepts: the shapes are never wider than HAProxy.
func TestHAProxyAcceptsEveryShape(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping a test that runs haproxy")
	}
	var httpOpts, tcpOpts []string
	used := map[string]int{}
	for _, kw := range serveropt.AllowedKeywords() {
		for _, arg := range append([]string{""}, edgeArgs...) {
			in := strings.TrimSpace(kw + " " + arg + " " + companions[kw])
			o, err := serveropt.Parse(in)
			if err != nil || (kw == "id" && arg != "1") { // one id: ids are unique per backend
				continue
			}
			used[kw]++
			httpOpts = append(httpOpts, o.String())
			if o.CheckMode("tcp") == nil {
				tcpOpts = append(tcpOpts, o.String())
			}
		}
	}
	for _, kw := range serveropt.AllowedKeywords() {
		if used[kw] == 0 {
			t.Errorf("no edge argument fits %q: add one", kw)
		}
	}
	port := freePort(t)
	sections := backend("be_http", "http", port, httpOpts) + "\n" + backend("be_tcp", "tcp", port, tcpOpts)
	out, err := haproxyCheck(t, sections)
	if err != nil || strings.Contains(out, "[ALERT]") {
		t.Fatalf("haproxy -c refuses options Parse accepts: %v\n%s", err, out)
	}
	t.Logf("%d keywords, %d server lines in mode http, %d in mode tcp", len(used), len(httpOpts), len(tcpOpts))
}
