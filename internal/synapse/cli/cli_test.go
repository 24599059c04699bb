package cli

import (
	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/version"

	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExampleConfigLoads(t *testing.T) {
	t.Setenv("ZK_HOST", "zk0")
	var out bytes.Buffer
	code := Main([]string{"-k", "-c", "../../../configs/synapse.example.yaml"}, &out, &out)
	if code != cliutil.ExitOK || strings.Contains(out.String(), "warning") {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	d, err := load("../../../configs/synapse.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Services) != 2 || d.Services["web"].Method != "zookeeper" || d.Services["search"].Method != "zookeeper_poll" ||
		len(d.Generators) != 2 {
		t.Fatalf("desired = %+v", d)
	}
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := "file_output: {output_directory: " + dir + "}\n"
	cases := []struct {
		name string
		src  string
		code int
		want []string
	}{
		{"good", out + "services:\n  web:\n    discovery: {method: zookeeper, hosts: [zk:2181], path: /web}\n    typo: 1\n",
			cliutil.ExitOK, []string{"warning: ", "services.web.typo: unknown key", "configuration check succeeded"}},
		{"unknown generator", out + "nginx: {}\n", cliutil.ExitConfig,
			[]string{`synapse: config error: `, `nginx: unknown config generator "nginx"; known generators: file_output, haproxy`}},
		{"multi", out + "services:\n  web:\n    discovery: {method: zookeeper, hosts: [zk:2181], path: /web}\n    discovery_multi: {}\n",
			cliutil.ExitConfig, []string{`services.web.discovery_multi.resolver.method: missing`}},
		{"watcher validation", out + "services:\n  web:\n    discovery: {method: zookeeper}\n", cliutil.ExitConfig,
			[]string{"services.web.discovery"}},
		{"ec2tag without a port", out + "services:\n  web:\n    discovery: {method: ec2tag, tag_name: role, tag_value: web, aws_region: us-east-1}\n",
			cliutil.ExitConfig, []string{"services.web: missing backend_port_override"}},
		{"ec2tag with a port", out + "services:\n  web:\n    backend_port_override: 8080\n    discovery: {method: ec2tag, tag_name: role, tag_value: web, aws_region: us-east-1}\n",
			cliutil.ExitOK, []string{"configuration check succeeded"}},
		{"two problems, two lines", "services:\n  a: {}\n", cliutil.ExitConfig,
			[]string{"no config generators supplied", "services.a: missing required option discovery"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tc.name, " ", "_")+".yaml", tc.src)
			var stdout, stderr bytes.Buffer
			code := Main([]string{"--check-config", "-c", p}, &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s%s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, want := range tc.want {
				// The verdict goes to stdout, warnings and problems to stderr.
				got := stderr.String()
				if want == "configuration check succeeded" {
					got = stdout.String()
				}
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", want, stdout.String(), stderr.String())
				}
			}
			if tc.name == "two problems, two lines" && strings.Count(stderr.String(), "config error") != 2 {
				t.Errorf("want one line per problem:\n%s", stderr.String())
			}
		})
	}
}

// --strict turns the warnings -k prints into a failure, and goes with -k.
func TestCheckConfigStrict(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.yaml")
	src := "file_output: {output_directory: " + dir + "}\nservices:\n  web:\n    discovery: {method: zookeeper, hosts: [zk:2181], path: /web}\n"
	for _, tc := range []struct {
		name, extra string
		args        []string
		code        int
		want        string
	}{
		{"clean", "", []string{"-k", "--strict"}, cliutil.ExitOK, ""},
		{"warning", "    typo: 1\n", []string{"-k", "--strict"}, cliutil.ExitConfig, "synapse: config error: --strict: 1 warning(s) above"},
		{"warning without strict", "    typo: 1\n", []string{"-k"}, cliutil.ExitOK, "services.web.typo: unknown key"},
		{"strict without -k", "", []string{"--strict"}, cliutil.ExitConfig, "--strict goes with -k"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(p, []byte(src+tc.extra), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := Main(append(tc.args, "-c", p), &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, want %d with %q:\nstdout:\n%s\nstderr:\n%s", code, tc.code, tc.want, stdout.String(), stderr.String())
			}
		})
	}
}

func TestNoConfig(t *testing.T) {
	t.Setenv("SYNAPSE_CONFIG", "")
	var out bytes.Buffer
	if code := Main(nil, &out, &out); code != cliutil.ExitConfig || !strings.Contains(out.String(), "SYNAPSE_CONFIG") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out bytes.Buffer
		if code := Main(args, &out, &out); code != cliutil.ExitOK || out.String() != version.String("synapse")+"\n" {
			t.Fatalf("%q: exit %d: %q", args, code, out.String())
		}
	}
}

func TestHelpExitCodes(t *testing.T) {
	var out bytes.Buffer
	if code := Main([]string{"--help"}, &out, &out); code != cliutil.ExitOK || !strings.Contains(out.String(), "69  start-up failed") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if code := Main([]string{"--no-such-flag"}, &out, &out); code != cliutil.ExitConfig {
		t.Fatalf("unknown flag: exit %d, want %d", code, cliutil.ExitConfig)
	}
}
