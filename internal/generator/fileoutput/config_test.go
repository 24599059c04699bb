package fileoutput

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
)

func parse(t *testing.T, src string) *yaml.Node {
	t.Helper()
	n, err := config.Parse("synapse.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNew(t *testing.T) {
	base := t.TempDir()
	blocker := filepath.Join(base, "file")
	writeFile(t, base, "file", "x")
	tests := []struct {
		name    string
		src     string
		wantErr string // substring; "" means success
		warn    string
	}{
		{"creates nested directory", "output_directory: " + base + "/a/b/c", "", ""},
		{"existing directory", "output_directory: " + base, "", ""},
		{"unknown key warns", "output_directory: " + base + "\noutput_dir: x", "", "file_output.output_dir: unknown key"},
		{"missing key", "other: 1", "synapse.yaml:1: file_output: flat file generation requires an output_directory key", ""},
		{"null key", "output_directory: ~", "synapse.yaml:1: file_output: flat file generation requires an output_directory key", ""},
		{"empty section", "{}", "synapse.yaml:1: file_output: flat file generation requires an output_directory key", ""},
		{"list value", "output_directory: [a]", "synapse.yaml:1: file_output.output_directory: must be a directory path, not a list or mapping", ""},
		{"not creatable", "output_directory: " + blocker + "/sub",
			"synapse.yaml:1: file_output.output_directory: provided output directory " + blocker + "/sub is not present or creatable: " +
				"mkdir " + blocker + ": not a directory", ""},
		{"a file, not a directory", "output_directory: " + blocker,
			"synapse.yaml:1: file_output.output_directory: provided output directory " + blocker + " is not present or creatable", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := config.NewDecoder("synapse.yaml")
			g, err := New(d, parse(t, tt.src), "file_output", generator.Options{})
			if errors.Is(err, generator.ErrReported) {
				err = d.Err() // each problem once, at its key
			}
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err:\n got: %v\nwant: %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			dir := g.(*Generator).dir
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				t.Fatalf("output directory %s not created: %v", dir, err)
			}
			var warnings []string
			for _, w := range d.Warnings() {
				warnings = append(warnings, w.String())
			}
			if got := strings.Join(warnings, "\n"); !strings.Contains(got, tt.warn) || (tt.warn == "") != (got == "") {
				t.Errorf("warnings = %q, want %q", got, tt.warn)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	typ, ok := generator.Lookup(Name)
	if !ok || typ.New == nil {
		t.Fatal("file_output is not registered")
	}
	g, err := typ.New(config.NewDecoder(""), parse(t, "output_directory: "+t.TempDir()), "file_output", generator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Name() != "file_output" || g.Tick(context.Background()) != nil {
		t.Errorf("Name() = %q, Tick must do nothing", g.Name())
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		src     string // "" means no section (nil node)
		want    ServiceConfig
		wantErr string
		warn    string
	}{
		{name: "no section is enabled, as the original fills in {}", want: ServiceConfig{}},
		{name: "empty mapping", src: "{}", want: ServiceConfig{}},
		{name: "null section", src: "~", want: ServiceConfig{}},
		{name: "disabled", src: "disabled: true", want: ServiceConfig{Disabled: true}},
		{name: "disabled yes (Psych)", src: "disabled: yes", want: ServiceConfig{Disabled: true}},
		{name: "explicitly enabled", src: "disabled: false", want: ServiceConfig{}},
		{name: "unknown key warns", src: "disabld: true", want: ServiceConfig{}, warn: "services.web.file_output.disabld: unknown key"},
		{name: "wrong type", src: `disabled: "maybe"`, wantErr: "services.web.file_output.disabled"},
		{name: "not a mapping", src: "[1]", wantErr: "services.web.file_output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			g, err := NewGenerator(Config{OutputDirectory: t.TempDir()},
				generator.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
			var n *yaml.Node
			if tt.src != "" {
				n = parse(t, tt.src)
			}
			got, err := g.Normalize("web", n)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Normalize = %#v, %v; want %#v", got, err, tt.want)
			}
			if !strings.Contains(logs.String(), tt.warn) || (tt.warn == "") != (logs.Len() == 0) {
				t.Errorf("log = %q, want %q", logs.String(), tt.warn)
			}
		})
	}
}

func TestMetricsShareRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	newTestGenerator(t, t.TempDir(), reg)
	g := newTestGenerator(t, t.TempDir(), reg) // a config reload: no duplicate-registration error
	if err := g.Update(context.Background(), []generator.Service{service("a", 1, enabled)}); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, reg); got[resultWritten] != 1 || got[resultUnchanged] != 0 || got[resultFail] != 0 {
		t.Errorf("counts = %v", got)
	}
	if _, err := NewGenerator(Config{OutputDirectory: t.TempDir()}, generator.Options{}); err != nil {
		t.Errorf("nil registerer: %v", err)
	}
}

func TestMetricsLint(t *testing.T) {
	reg := prometheus.NewRegistry()
	newTestGenerator(t, t.TempDir(), reg)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}
