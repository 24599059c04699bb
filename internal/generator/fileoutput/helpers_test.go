package fileoutput

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

var enabled = ServiceConfig{}

func newTestGenerator(t *testing.T, dir string, reg prometheus.Registerer) *Generator {
	t.Helper()
	g, err := NewGenerator(Config{OutputDirectory: dir}, generator.Options{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func service(name string, rev uint64, cfg any, backends ...registration.Backend) generator.Service {
	return generator.Service{Name: name, Revision: rev, Config: cfg, Backends: backends}
}

// hostPort is a backend as a default server {host, port} becomes one.
func hostPort(host string, port int) registration.Backend {
	return registration.Backend{Host: host, Port: registration.NumberPort(port)}
}

// listDir returns the names in dir, sorted, directories marked with "/".
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// counts reads synapse_file_output_writes_total by result.
func counts(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "synapse_file_output_writes_total" {
			continue
		}
		for _, m := range f.Metric {
			out[label(m, "result")] = m.GetCounter().GetValue()
		}
	}
	return out
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.Label {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
