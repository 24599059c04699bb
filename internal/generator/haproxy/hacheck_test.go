package haproxy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// lineOf is the number (from 1) of the first rendered line equal to want
// after the section header section.
func lineOf(t *testing.T, text, section, want string) int {
	t.Helper()
	in := false
	for i, l := range strings.Split(text, "\n") {
		if render.IsHeader(l) {
			in = strings.TrimSpace(l) == section
		}
		if in && strings.TrimSpace(l) == want {
			return i + 1
		}
	}
	t.Fatalf("no %q in section %q of:\n%s", want, section, text)
	return 0
}

func sourcesInput(target hapi.Version) Input {
	c := testConfig()
	c.Global = []string{"daemon", "stats socket /var/run/haproxy.sock mode 666 level admin"}
	c.Defaults = []string{"mode http", "contimeout 5000"}
	c.ExtraSections = Sections{{Title: "listen stats :1937", Lines: []string{"mode http", "stats enable"}}}
	backendName := "web-be"
	return Input{Config: c, Target: target, TrackSources: true, Services: []Service{{Name: "web",
		Config: &ServiceConfig{Port: PortValue(3213), BackendName: &backendName,
			Listen:   []string{"mode http", "timeout connect banana"},
			Frontend: []string{"option httplog"}},
		Backends: []Backend{backend("a", "127.0.0.1", 8080)}}}}
}

func TestSourcesLookup(t *testing.T) {
	for _, target := range []hapi.Version{{}, {Major: 2, Minor: 6}} {
		t.Run("target "+target.String(), func(t *testing.T) {
			res, err := Render(sourcesInput(target))
			if err != nil {
				t.Fatal(err)
			}
			timeout := "contimeout 5000"
			if target.Major >= 2 {
				timeout = "timeout connect 5000"
			}
			for _, tc := range []struct{ section, line, want string }{
				{"global", "daemon", "haproxy.global[0]"},
				{"defaults", timeout, "haproxy.defaults[1]"},
				{"frontend web", "mode http", "services.web.haproxy.listen[0]"},
				{"frontend web", "option httplog", "services.web.haproxy.frontend[0]"},
				{"backend web-be", "timeout connect banana", "services.web.haproxy.listen[1]"},
				{"backend web-be", "mode http", "services.web.haproxy.listen[0]"},
				{"frontend web", "bind localhost:3213", "services.web.haproxy.port"},
				{"backend web-be", "server a_127.0.0.1:8080", "services.web.haproxy"},
			} {
				t.Run(tc.section+"/"+tc.line, func(t *testing.T) {
					n := lineOfPrefix(t, res.Text, tc.section, tc.line)
					l, ok := res.Sources.Lookup(res.Text, n)
					if !ok || l.Where != tc.want || l.Section != tc.section {
						t.Errorf("line %d = %+v, want Where %q", n, l, tc.want)
					}
				})
			}
			if _, ok := res.Sources.Lookup(res.Text, 100000); ok {
				t.Error("a line past the end was found")
			}
		})
	}
	t.Run("extra section header and its bind line", func(t *testing.T) {
		res, err := Render(sourcesInput(hapi.Version{Major: 2, Minor: 6}))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"listen stats", "bind :1937", "stats enable"} {
			l, _ := res.Sources.Lookup(res.Text, lineOf(t, res.Text, "listen stats", line))
			if want := `haproxy.extra_sections["listen stats :1937"]`; !strings.HasPrefix(l.Where, want) {
				t.Errorf("%q: Where = %q, want %s...", line, l.Where, want)
			}
		}
	})
	t.Run("shared frontend", func(t *testing.T) {
		in := sourcesInput(hapi.Version{Major: 2, Minor: 6})
		shared := []string{"bind 127.0.0.1:8081"}
		in.Config.SharedFrontend = &shared
		in.Services[0].Config.SharedFrontend = []string{"acl is_web hdr_dom(host) -i web", "use_backend web-be if is_web"}
		res, err := Render(in)
		if err != nil {
			t.Fatal(err)
		}
		for line, want := range map[string]string{
			"frontend shared-frontend":     "haproxy.shared_frontend",
			"bind 127.0.0.1:8081":          "haproxy.shared_frontend[0]",
			"use_backend web-be if is_web": "services.web.haproxy.shared_frontend[1]",
		} {
			l, _ := res.Sources.Lookup(res.Text, lineOf(t, res.Text, "frontend shared-frontend", line))
			if l.Where != want {
				t.Errorf("%q: Where = %q, want %q", line, l.Where, want)
			}
		}
	})
	t.Run("without tracking nothing is named", func(t *testing.T) {
		in := sourcesInput(hapi.Version{})
		in.TrackSources = false
		res, _ := Render(in)
		if res.Sources != nil {
			t.Fatal("Sources filled without TrackSources")
		}
		if l, ok := res.Sources.Lookup(res.Text, 4); !ok || l.Where != "" || l.Text != "daemon" {
			t.Errorf("line 4 = %+v, %v", l, ok)
		}
	})
}

// lineOfPrefix is lineOf for a line starting with want (server lines
// carry their options).
func lineOfPrefix(t *testing.T, text, section, want string) int {
	t.Helper()
	in := false
	for i, l := range strings.Split(text, "\n") {
		if render.IsHeader(l) {
			in = strings.TrimSpace(l) == section
		}
		if in && strings.HasPrefix(strings.TrimSpace(l), want) {
			return i + 1
		}
	}
	t.Fatalf("no %q in section %q of:\n%s", want, section, text)
	return 0
}

func TestComplaints(t *testing.T) {
	res, err := Render(sourcesInput(hapi.Version{Major: 2, Minor: 6}))
	if err != nil {
		t.Fatal(err)
	}
	path := "/tmp/synapse-check-1/haproxy.cfg"
	banana := lineOf(t, res.Text, "backend web-be", "timeout connect banana")
	httplog := lineOf(t, res.Text, "frontend web", "option httplog")
	fe, be := lineOf(t, res.Text, "frontend web", "frontend web"), lineOf(t, res.Text, "backend web-be", "backend web-be")
	// As HAProxy 2.6 writes them: "parsing [f:n] :", "parsing [f:n]:"
	// and "[f:n] :" all occur.
	out := fmt.Sprintf(`[NOTICE]   (6769) : haproxy version is 2.6.12-1+deb12u3
[ALERT]    (6769) : config : parsing [%[1]s:%[2]d] : unexpected character 'b' in 'timeout connect'
[WARNING]  (6769) : config : parsing [%[1]s:%[3]d]: 'option httplog' not usable with frontend 'web' (needs 'mode http'). Falling back to 'option tcplog'.
[ALERT]    (6769) : config : [%[1]s:9999] : 'server b/a' : unknown keyword 'chek'
[ALERT]    (6769) : config : proxy 'web': no such backend
[ALERT]    (6769) : config : http frontend 'web' (%[1]s:%[4]d) tries to use incompatible tcp backend 'web-be' (%[1]s:%[5]d) as its default backend (see 'mode').
[ALERT]    (6769) : config : Error(s) found in configuration file : %[1]s
[ALERT]    (6769) : config : Fatal errors found in configuration.
`, path, banana, httplog, fe, be)
	got := Complaints(out, path, res, "HAProxy 2.6")
	want := []generator.Problem{
		{Severity: generator.Error, Message: `services.web.haproxy.listen[1]: "timeout connect banana": HAProxy 2.6: unexpected character 'b' in 'timeout connect'`},
		{Severity: generator.Warning, Message: `services.web.haproxy.frontend[0]: "option httplog": HAProxy 2.6: 'option httplog' not usable with frontend 'web' (needs 'mode http'). Falling back to 'option tcplog'.`},
		{Severity: generator.Error, Message: `haproxy.cfg line 9999: HAProxy 2.6: 'server b/a' : unknown keyword 'chek'`},
		{Severity: generator.Error, Message: `haproxy.cfg: HAProxy 2.6: proxy 'web': no such backend`},
		{Severity: generator.Error, Message: fmt.Sprintf(`services.web.haproxy: "frontend web": HAProxy 2.6: http frontend 'web' (haproxy.cfg line %d) tries to use incompatible tcp backend 'web-be' (haproxy.cfg line %d) as its default backend (see 'mode').`, fe, be)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d =\n  %+v\nwant\n  %+v", i, got[i], want[i])
		}
	}
}

func TestSandbox(t *testing.T) {
	text := "# header\n\nglobal\n\tstats socket /var/run/a.sock mode 666 user haproxy group no-such-group level admin\n\tstats socket ipv4@127.0.0.1:9999 level admin\n" +
		"\tpidfile /var/run/haproxy.pid\n\tserver-state-file /var/lib/haproxy/state\ndefaults\n\tpidfile x\n"
	dir := "/tmp/chk"
	got := Sandbox(text, dir)
	want := "# header\n\nglobal\n\tstats socket " + filepath.Join(dir, "stats1.sock") + " mode 666 level admin\n\tstats socket ipv4@127.0.0.1:9999 level admin\n" +
		"\tpidfile " + filepath.Join(dir, "haproxy.pid") + "\n\tserver-state-file " + filepath.Join(dir, "server-state") + "\ndefaults\n\tpidfile x\n"
	if got != want {
		t.Errorf("Sandbox =\n%s\nwant\n%s", got, want)
	}
	if strings.Count(got, "\n") != strings.Count(text, "\n") {
		t.Error("line count changed")
	}
}

// TestGeneratorCheck runs Check against the real HAProxy: a refused line
// is an error naming its key, a 1.x line a warning, and nothing is written
// where the config points.
func TestGeneratorCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping real haproxy")
	}
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := baseConfig()
	cfg.DoWrites, cfg.ConfigFilePath, cfg.CheckCommand = true, filepath.Join(dir, "haproxy.cfg"), bin+" -c -f x"
	cfg.Global = append(cfg.Global, "stats socket "+filepath.Join(dir, "run", "admin.sock")+" mode 600 level admin", "pidfile "+filepath.Join(dir, "haproxy.pid"))
	cfg.Defaults = append(cfg.Defaults, "contimeout 5s", "timeout client 5s", "timeout server 5s")
	g, err := New(cfg, generator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := func(listen ...string) []generator.Service {
		n := &yaml.Node{}
		if err := n.Encode(map[string]any{"port": 3213, "listen": listen}); err != nil {
			t.Fatal(err)
		}
		sc, err := g.Normalize("web", n)
		if err != nil {
			t.Fatal(err)
		}
		return []generator.Service{{Name: "web", Config: sc,
			Backends: []registration.Backend{{Host: "127.0.0.1", Port: registration.NumberPort(8080), Name: registration.StringValue("a")}}}}
	}
	t.Run("refused", func(t *testing.T) {
		probs, err := g.Check(context.Background(), svc("mode http", "timeout connect banana"))
		if err != nil {
			t.Fatal(err)
		}
		var errs, warns []string
		for _, p := range probs {
			switch p.Severity {
			case generator.Error:
				errs = append(errs, p.Message)
			case generator.Warning:
				warns = append(warns, p.Message)
			}
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0], `services.web.haproxy.listen[1]: "timeout connect banana": HAProxy 2.`) {
			t.Errorf("errors = %q", errs)
		}
		if len(warns) != 1 || !strings.HasPrefix(warns[0], `haproxy.defaults[1]: "contimeout 5s" is HAProxy 1.x syntax`) {
			t.Errorf("warnings = %q", warns)
		}
	})
	t.Run("accepted", func(t *testing.T) {
		probs, err := g.Check(context.Background(), svc("mode http"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range probs {
			if p.Severity == generator.Error {
				t.Errorf("error on a good config: %s", p.Message)
			}
		}
	})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Check wrote where the config points: %v", entries)
	}
}
