package modernize

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// stillLoaded are the 1.x-era lines HAProxy 2.6 only warns about (or
// ignores); every other original line in translations is refused by it.
var stillLoaded = map[string]bool{
	"bind-process": true, "stats bind-process": true, "tune.ssl.capture-cipherlist-size": true,
	"stats socket process 1": true, "bind process all": true,
}

// checkConfig builds a config with lines added to each kind of section:
// an HTTP frontend, backend and listen section that HAProxy loads as is.
func checkConfig(lines map[Kind][]string) string {
	var b strings.Builder
	section := func(head string, kind Kind, fixed ...string) {
		b.WriteString(head + "\n")
		for _, l := range append(fixed, lines[kind]...) {
			b.WriteString("\t" + l + "\n")
		}
	}
	section("global", Global)
	section("defaults", Defaults, "mode http", "timeout connect 1s", "timeout client 1s", "timeout server 1s")
	section("frontend fe", Frontend, "bind 127.0.0.1:1", "default_backend be")
	section("backend be", Backend, "server s 127.0.0.1:2")
	section("listen li", Listen, "bind 127.0.0.1:3", "server s 127.0.0.1:2")
	for _, extra := range lines[Other] {
		b.WriteString(extra + "\n")
	}
	return b.String()
}

func haproxyCheck(t *testing.T, bin, cfg string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-c", "-f", path).CombinedOutput()
	return string(out), err
}

// TestTranslationsLoadInHAProxy runs the real `haproxy -c` on every
// translated line, each in a section of its kind, and on each original
// alone, which the installed HAProxy (2.6 in CI) must refuse.
func TestTranslationsLoadInHAProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping haproxy -c")
	}
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	v, err := exec.Command(bin, "-v").Output()
	if err != nil || !strings.Contains(string(v), "version 2.") {
		t.Fatalf("%s -v: %v %s; these checks want HAProxy 2.x", bin, err, v)
	}
	all := map[Kind][]string{}
	for _, c := range translations {
		all[c.kind] = append(all[c.kind], c.want...)
	}
	tr := Translator{Target: version(t, "2.6")}
	head, body, _, err := tr.Header("k", "listen stats :1937")
	if err != nil {
		t.Fatal(err)
	}
	all[Other] = append(all[Other], head, "\t"+strings.Join(body, "\n\t"), "\tstats enable")
	cfg := checkConfig(all)
	if out, err := haproxyCheck(t, bin, cfg); err != nil {
		t.Fatalf("haproxy -c refuses the translations: %v\n%s\n%s", err, out, cfg)
	}
	for _, c := range translations {
		if stillLoaded[c.name] {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			cfg := checkConfig(map[Kind][]string{c.kind: {c.line}})
			if out, err := haproxyCheck(t, bin, cfg); err == nil {
				t.Errorf("haproxy -c accepts the original %q:\n%s", c.line, out)
			}
		})
	}
	t.Run("listen address", func(t *testing.T) {
		cfg := checkConfig(map[Kind][]string{Other: {"listen stats :1937", "\tstats enable"}})
		out, err := haproxyCheck(t, bin, cfg)
		if err == nil || !strings.Contains(out, "bind") {
			t.Errorf("haproxy -c on a section-line address: %v\n%s", err, out)
		}
	})
}
