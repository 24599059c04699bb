package render

import (
	"flag"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.cfg from the current output")

// goldenCase is one testdata/<case>.yaml: a synapse-style haproxy section,
// services with their backends, and what to expect beyond the golden file.
type goldenCase struct {
	Description string    `yaml:"description"`
	HAProxy     Config    `yaml:"haproxy"`
	Time        string    `yaml:"time"`
	Seed        int64     `yaml:"seed"`
	ServerIDs   ServerIDs `yaml:"server_ids"`
	Services    []struct {
		Name     string         `yaml:"name"`
		HAProxy  *ServiceConfig `yaml:"haproxy"`
		Backends []caseBackend  `yaml:"backends"`
		Cached   []caseBackend  `yaml:"cached"`
	} `yaml:"services"`
	// Error is a substring of the expected error; there is no golden file.
	Error string `yaml:"error"`
	// HAProxyCheckSkip says why the golden file cannot pass `haproxy -c`.
	HAProxyCheckSkip string   `yaml:"haproxy_check_skip"`
	WantDropped      []string `yaml:"want_dropped"`
	WantWarnings     []string `yaml:"want_warnings"`
	WantTranslated   []string `yaml:"want_translated"`
	// WantConfigWarnings are the warnings of decoding the case file itself
	// (without the file name); any other warning fails the case.
	WantConfigWarnings []string  `yaml:"want_config_warnings"`
	WantReload         []string  `yaml:"want_reload"`
	WantServerIDs      ServerIDs `yaml:"want_server_ids"`
}

// caseBackend is a backend as default_servers or a state file would hold it.
type caseBackend struct {
	Name     any       `yaml:"name"`
	Host     string    `yaml:"host"`
	Port     yaml.Node `yaml:"port"`
	Weight   any       `yaml:"weight"`
	Options  any       `yaml:"haproxy_server_options"`
	ServerID int       `yaml:"haproxy_server_id"`
}

func (c caseBackend) backend(t *testing.T) Backend {
	t.Helper()
	port := registration.StringPort(c.Port.Value)
	if c.Port.Tag == "!!int" {
		n, err := strconv.Atoi(c.Port.Value)
		if err != nil {
			t.Fatalf("port %q: %v", c.Port.Value, err)
		}
		port = registration.NumberPort(n)
	}
	return Backend{Backend: registration.Backend{
		Name: optValue(t, c.Name), Host: c.Host, Port: port,
		Weight: optValue(t, c.Weight), HAProxyServerOptions: optValue(t, c.Options),
	}, ServerID: c.ServerID}
}

// optValue keeps a missing key absent.
func optValue(t *testing.T, x any) registration.Value {
	t.Helper()
	if x == nil {
		return registration.Value{}
	}
	v, err := registration.ValueOf(x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// loadCase decodes a case; decoding errors are returned, as some cases
// expect them.
func loadCase(t *testing.T, path string) (*goldenCase, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c goldenCase
	warnings, err := config.Decode("", data, &c)
	var got []string
	for _, w := range warnings {
		got = append(got, w.String())
	}
	if !slices.Equal(got, c.WantConfigWarnings) {
		t.Errorf("case file warnings = %q, want %q", got, c.WantConfigWarnings)
	}
	return &c, err
}

// run turns a decoded case into Render's input and renders it.
func (c *goldenCase) run(t *testing.T) (*Result, error) {
	t.Helper()
	if err := c.HAProxy.Validate(); err != nil {
		return nil, err
	}
	in := Input{Config: &c.HAProxy, ServerIDs: c.ServerIDs, Seed: c.Seed}
	if c.HAProxy.ModernizeHAProxyConfig && c.HAProxy.HAProxyVersion != "" {
		v, err := hapi.ParseVersion(c.HAProxy.HAProxyVersion)
		if err != nil {
			t.Fatal(err)
		}
		in.Target = v
	}
	ts, err := time.Parse(time.RFC3339, c.Time)
	if err != nil {
		t.Fatalf("time %q: %v", c.Time, err)
	}
	in.Time = ts
	for _, s := range c.Services {
		svc := Service{Name: s.Name, Config: s.HAProxy}
		for _, b := range s.Backends {
			svc.Backends = append(svc.Backends, b.backend(t))
		}
		for _, b := range s.Cached {
			svc.Cached = append(svc.Cached, b.backend(t))
		}
		in.Services = append(in.Services, svc)
	}
	res, err := Render(in)
	if err == nil {
		sameBackends(t, "golden", res)
	}
	return res, err
}

func caseFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.yaml: %v", err)
	}
	return files
}

func goldenPath(casePath string) string {
	return strings.TrimSuffix(casePath, ".yaml") + ".golden.cfg"
}

func TestGolden(t *testing.T) {
	for _, path := range caseFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			c, err := loadCase(t, path)
			var res *Result
			if err == nil {
				res, err = c.run(t)
			}
			if c.Error != "" {
				if err == nil || !strings.Contains(err.Error(), c.Error) {
					t.Fatalf("error = %v, want one containing %q", err, c.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, goldenPath(path), res.Text)
			c.checkExtras(t, res)
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to rewrite)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func (c *goldenCase) checkExtras(t *testing.T, res *Result) {
	t.Helper()
	var dropped []string
	for _, d := range res.Dropped {
		dropped = append(dropped, d.String())
	}
	if c.WantDropped != nil && !slices.Equal(dropped, c.WantDropped) {
		t.Errorf("dropped = %q, want %q", dropped, c.WantDropped)
	}
	if c.WantWarnings != nil && !slices.Equal(res.Warnings, c.WantWarnings) {
		t.Errorf("warnings = %q, want %q", res.Warnings, c.WantWarnings)
	}
	if c.WantTranslated != nil && !slices.Equal(res.Translated, c.WantTranslated) && len(res.Translated)+len(c.WantTranslated) > 0 {
		t.Errorf("translated = %q,\nwant %q", res.Translated, c.WantTranslated)
	}
	if c.WantReload != nil && !slices.Equal(res.ReloadReasons, c.WantReload) {
		t.Errorf("reload reasons = %q, want %q", res.ReloadReasons, c.WantReload)
	}
	if c.WantServerIDs != nil && !maps.EqualFunc(res.ServerIDs, c.WantServerIDs, maps.Equal) {
		t.Errorf("server ids = %v, want %v", res.ServerIDs, c.WantServerIDs)
	}
}

// TestGoldenHAProxyCheck runs the real `haproxy -c` on every golden file:
// what we write must be a config HAProxy 2.6 loads.
func TestGoldenHAProxyCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping haproxy -c")
	}
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range caseFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			c, err := loadCase(t, path)
			switch {
			case err != nil || c.Error != "":
				return // an error case has no golden file to check
			case c.HAProxyCheckSkip != "":
				t.Skip(c.HAProxyCheckSkip)
			}
			out, err := exec.Command(bin, "-c", "-f", goldenPath(path)).CombinedOutput()
			// A backend-only config is valid; HAProxy just would not start
			// it alone (exit 2, "no listener").
			if err != nil && !strings.Contains(string(out), "Configuration file has no error") {
				t.Fatalf("haproxy -c -f %s: %v\n%s", goldenPath(path), err, out)
			}
		})
	}
}
