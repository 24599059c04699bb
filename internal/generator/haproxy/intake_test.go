package haproxy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func TestCheckOptions(t *testing.T) {
	tests := []struct {
		opts    string
		keyword string // "" when accepted
	}{
		{"", ""},
		{"check inter 2s backup", ""},
		{"id 12 backup", ""},
		{"check port %{port}", ""},
		{"id %{port}", "id"},
		{"check\n\thttp-request deny", ""}, // refused by Validate, not here: see below
		{"check; rm -rf /", "check;"},
		{"bogus 1", "bogus"},
		{"weight 9999", "weight"},
		{"redir http://x", "redir"},
	}
	for _, tt := range tests {
		t.Run(tt.opts, func(t *testing.T) {
			if strings.ContainsAny(tt.opts, "\n\t") {
				b := withOptions(backend("", "h", 1), tt.opts).Backend
				if err := b.Validate(); err == nil {
					t.Error("Validate accepted a control character")
				}
				return
			}
			err := render.CheckOptions(withOptions(backend("i-1", "10.0.0.1", 80), tt.opts).Backend)
			if tt.keyword == "" {
				if err != nil {
					t.Errorf("CheckOptions = %v, want nil", err)
				}
				return
			}
			var se *serveropt.Error
			if !errors.As(err, &se) {
				t.Fatalf("CheckOptions = %v, want a serveropt.Error", err)
			}
			if !strings.Contains(err.Error(), strings.TrimSuffix(tt.keyword, ";")) {
				t.Errorf("error %q does not name %q", err, tt.keyword)
			}
		})
	}
}

func TestOptionsIntakeWarnsOncePerValue(t *testing.T) {
	w := optionsWarner{}
	bad := withOptions(backend("a", "10.0.0.1", 80), "bogus 1").Backend
	good := withOptions(backend("b", "10.0.0.2", 80), "backup").Backend
	var warned []string
	warn := func(v string, _ error) { warned = append(warned, v) }
	in := []registration.Backend{bad, good}
	for range 3 {
		out := w.intake("svc", in, warn)
		if out[0].HAProxyServerOptions.Present() || !out[1].HAProxyServerOptions.Equal(good.HAProxyServerOptions) {
			t.Fatalf("intake = %v", out)
		}
		if !in[0].HAProxyServerOptions.Present() {
			t.Fatal("intake changed its input")
		}
	}
	if len(warned) != 1 || warned[0] != "bogus 1" {
		t.Errorf("warnings = %q, want one for \"bogus 1\"", warned)
	}
	if w.intake("svc", []registration.Backend{good}, warn); len(w) != 0 {
		t.Errorf("warner kept %v after the bad value left", w)
	}
}

// Two registrations asking for the same id, and one asking for an id the
// generator gave another server: every id in the backend stays unique.
func TestRenderDuplicateOptionIDs(t *testing.T) {
	svc := Service{Name: "api", Config: &ServiceConfig{BackendOrder: "asc"}, Backends: []Backend{
		withOptions(backend("a", "10.0.0.1", 80), "id 7 backup"),
		withOptions(backend("b", "10.0.0.2", 80), "id 7"),
		backend("c", "10.0.0.3", 80),
	}}
	res, err := Render(Input{Config: testConfig(), Services: []Service{svc}})
	if err != nil {
		t.Fatal(err)
	}
	svc.Backends = append(svc.Backends, withOptions(backend("d", "10.0.0.4", 80), "id "+itoa(res.ServerIDs["api"]["c_10.0.0.3:80"])))
	res, err = Render(Input{Config: testConfig(), Services: []Service{svc}, ServerIDs: res.ServerIDs})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, line := range strings.Split(res.Text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "server" {
			continue
		}
		for i := range f[:len(f)-1] {
			if f[i] == "id" {
				if other, dup := seen[f[i+1]]; dup {
					t.Errorf("id %s on %s and %s:\n%s", f[i+1], other, f[1], res.Text)
				}
				seen[f[i+1]] = f[1]
			}
		}
	}
	if len(seen) != 4 || !strings.Contains(strings.Join(res.Warnings, "\n"), `ignoring "id 7"`) {
		t.Errorf("ids %v, warnings %q", seen, res.Warnings)
	}
}

// Refused options reach neither the config nor the state file, so a
// restart cannot bring them back as a cached server's.
func TestRefusedOptionsNotCached(t *testing.T) {
	clock := newFakeClock()
	path := filepath.Join(t.TempDir(), "state.json")
	g, cfg := stateGenerator(t, clock, path, nil)
	bad, good := live("i-1", "10.0.0.1", 80), live("i-2", "10.0.0.2", 80)
	bad.HAProxyServerOptions = registration.StringValue("check; disable server x/y")
	good.HAProxyServerOptions = registration.StringValue("backup")
	mustUpdate(t, g, svc(g, t, "one", "port: 3000", bad, good))
	st := readState(t, path)
	if got := st["one"]["i-1_10.0.0.1:80"]["haproxy_server_options"]; got != nil {
		t.Errorf("cached options of the bad server = %v, want null", got)
	}
	if got := st["one"]["i-2_10.0.0.2:80"]["haproxy_server_options"]; got != "backup" {
		t.Errorf("cached options of the good server = %v, want backup", got)
	}
	text, err := os.ReadFile(cfg.ConfigFilePath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "disable server") || !strings.Contains(string(text), "backup") {
		t.Errorf("config:\n%s", text)
	}
}

// Every keyword serveropt lets through but "add server" refuses keeps the
// backend off the dynamic path, so such a server comes with a reload.
func TestStaticOnlyOptionsRefuseDynamic(t *testing.T) {
	for _, opts := range []string{"no-check", "ssl-reuse", "max-reuse 3", "cookie x"} {
		o, err := serveropt.Parse(opts)
		if err != nil {
			t.Fatalf("Parse(%q): %v", opts, err)
		}
		if o.StaticOnly() == "" {
			t.Fatalf("%q: serveropt no longer calls it static-only; update the test", opts)
		}
		b := stanza.NewBackend(nil)
		b.Add(stanza.LineServer("server s 10.0.0.1:80 id 1 " + opts))
		if r := plan.Refusal(b, nil); !strings.Contains(r, "refused on dynamic servers") {
			t.Errorf("options %q: dynamicRefusal = %q, want a refusal", opts, r)
		}
	}
}

func itoa(n int) string { return registration.IntValue(int64(n)).String() }
