package template

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

var update = flag.Bool("update", false, "rewrite testdata/upstreams.golden from the current output")

func backend(t *testing.T, payload string) registration.Backend {
	t.Helper()
	b, err := registration.Parse([]byte(payload), registration.Format{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newGen(t *testing.T, doc string) (*Generator, error) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	d := config.NewDecoder("synapse.yaml")
	g, err := New(d, n.Content[0], Name, generator.Options{})
	if err == nil || errors.Is(err, generator.ErrReported) {
		err = d.Err() // every problem, each once
	}
	if err != nil {
		return nil, err
	}
	return g.(*Generator), nil
}

func services(t *testing.T, g *Generator, web ...string) []generator.Service {
	t.Helper()
	cfg := func(s string) any {
		c, err := g.Normalize(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ws := generator.Service{Name: "web", Config: cfg("web")}
	for _, p := range web {
		ws.Backends = append(ws.Backends, backend(t, p))
	}
	return []generator.Service{
		{Name: "api", Config: cfg("api"), Backends: []registration.Backend{backend(t, `{"host":"10.0.0.3","port":8080,"name":"i-c"}`)}},
		{Name: "off", Config: ServiceConfig{Disabled: true}, Backends: []registration.Backend{backend(t, `{"host":"10.9.9.9","port":1}`)}},
		ws,
	}
}

var webBackends = []string{
	`{"host":"10.0.0.1","port":3000,"name":"i-a","weight":2,"labels":{"rack":1,"az":"a"}}`,
	`{"host":"10.0.0.2","port":"3001","name":"i-b","weight":"1"}`,
}

func TestGoldenNoRewriteCommandOnChange(t *testing.T) {
	dir := t.TempDir()
	out, marks := filepath.Join(dir, "upstreams.conf"), filepath.Join(dir, "marks")
	g, err := newGen(t, `outputs: [{template: testdata/upstreams.tmpl, path: `+out+`, mode: 0640, command: "echo x >> `+marks+`"}]`)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := g.Update(ctx, services(t, g, webBackends...)); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if *update {
		if err := os.WriteFile("testdata/upstreams.golden", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := os.ReadFile("testdata/upstreams.golden")
	if string(got) != string(want) {
		t.Fatalf("output\n%s\nwant\n%s", got, want)
	}
	st1, _ := os.Stat(out)
	if st1.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st1.Mode().Perm())
	}
	time.Sleep(20 * time.Millisecond)
	if err := g.Update(ctx, services(t, g, webBackends...)); err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(out)
	if !st2.ModTime().Equal(st1.ModTime()) || !os.SameFile(st1, st2) {
		t.Error("unchanged output was rewritten")
	}
	if err := g.Update(ctx, services(t, g, webBackends[1])); err != nil {
		t.Fatal(err)
	}
	if m, _ := os.ReadFile(marks); string(m) != "x\nx\n" {
		t.Errorf("command ran %q, want once per change (twice)", m)
	}
}

func TestCommandFailureRetried(t *testing.T) {
	dir := t.TempDir()
	out, flag := filepath.Join(dir, "o"), filepath.Join(dir, "ok")
	g, err := newGen(t, `outputs: [{text: "{{len .Services}}", path: `+out+`, command: "test -e `+flag+`"}]`)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := g.Update(ctx, nil); err == nil || !strings.Contains(err.Error(), "outputs[0] ("+out+")") {
		t.Fatalf("Update = %v, want a command error naming the output", err)
	}
	if err := os.WriteFile(flag, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := g.Update(ctx, nil); err != nil {
		t.Fatalf("retry with unchanged bytes: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`outputs: [{text: "{{.Nope", path: /tmp/x}]`: "synapse.yaml:1: template.outputs[0] (/tmp/x): bad template: " +
			"template: text:1: unclosed action",
		`outputs: [{path: /tmp/x}]`: "synapse.yaml:1: template.outputs[0] (/tmp/x): want exactly one of template (a file) or text (inline)",
		`outputs: [{text: a}]`:      "synapse.yaml:1: template.outputs[0]: path: missing; want the file to write",
		`outputs: [{template: /does/not/exist, path: /tmp/x}]`: "synapse.yaml:1: template.outputs[0] (/tmp/x): template: " +
			"open /does/not/exist: no such file or directory",
		`outputs: []`: "synapse.yaml:1: template.outputs: missing or empty; want a list of {template or text, path}",
		`outputs: [{text: a, path: /tmp/x, mode: rw}]`: `synapse.yaml:1: template.outputs[0].mode: "rw" is not an octal file mode such as 0644`,
		`outputs: [{text: a, path: /tmp/x, mode: 0440}]`: "synapse.yaml:1: template.outputs[0] (/tmp/x): mode: " +
			"0440 does not let the owner read and write (want at least 0600)",
		`outputs: [{text: ok, path: /a}, {text: "{{end}}", path: /b}]`: "synapse.yaml:1: template.outputs[1] (/b): bad template: " +
			"template: text:1: unexpected {{end}}",
	} {
		if _, err := newGen(t, doc); err == nil || err.Error() != want {
			t.Errorf("%s:\n got: %v\nwant: %s", doc, err, want)
		}
	}
}

// An output's mode is its own mode, else the top-level file_mode, else
// 0644; an unchanged output still gets its mode.
func TestOutputMode(t *testing.T) {
	tests := []struct {
		name     string
		mode     string // the output's mode key, "" for none
		fileMode fs.FileMode
		existing fs.FileMode // mode of an existing file with the same bytes
		want     fs.FileMode
	}{
		{name: "default", want: 0o644},
		{name: "file_mode", fileMode: 0o600, want: 0o600},
		{name: "own mode wins", mode: "0640", fileMode: 0o600, want: 0o640},
		{name: "unchanged output gets file_mode", fileMode: 0o600, existing: 0o644, want: 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "o")
			if tt.existing != 0 {
				if err := os.WriteFile(out, []byte("0"), tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			doc := `outputs: [{text: "{{len .Services}}", path: ` + out
			if tt.mode != "" {
				doc += ", mode: " + tt.mode
			}
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(doc+"}]"), &n); err != nil {
				t.Fatal(err)
			}
			g, err := New(config.NewDecoder("synapse.yaml"), n.Content[0], Name, generator.Options{FileMode: tt.fileMode})
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Update(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.want {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.want)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	if _, ok := generator.Lookup(Name); !ok {
		t.Fatal("generator template not registered")
	}
}
