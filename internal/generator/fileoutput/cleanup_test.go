package fileoutput

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// The original's clean-up rule: every *.json that is not an
// enabled service's file goes, unrelated ones included; dot files, other
// extensions and directories stay.
func TestCleanUp(t *testing.T) {
	example := service("example_service", 1, enabled, hostPort("somehost", 5555))
	foobar := service("foobar_service", 1, enabled, hostPort("somehost", 1234))
	disabled := service("disabled_service", 1, ServiceConfig{Disabled: true}, hostPort("h", 1))
	noName := service("no_name_service", 1, nil, hostPort("h", 2))
	untouched := []string{".hidden.json", ".x.json.tmp", "README.JSON", "dir.json/", "notes.txt"}
	tests := []struct {
		name     string
		services []generator.Service
		want     []string // *.json files after the update
	}{
		{"enabled only", []generator.Service{disabled, example, foobar, noName}, []string{"example_service.json", "foobar_service.json"}},
		{"one left", []generator.Service{example}, []string{"example_service.json"}},
		{"no services", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, name := range append([]string{"disabled_service.json", "no_name_service.json", "foobar_service.json", "unrelated.json"}, untouched...) {
				if strings.HasSuffix(name, "/") {
					if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				writeFile(t, dir, name, "{}")
			}
			g := newTestGenerator(t, dir, nil)
			if err := g.Update(context.Background(), tt.services); err != nil {
				t.Fatal(err)
			}
			want := append(append([]string{}, untouched...), tt.want...)
			if got := listDir(t, dir); !sameSet(got, want) {
				t.Errorf("directory = %v\nwant %v", got, want)
			}
		})
	}
}

// A disabled service loses its file and its remembered revision, so
// enabling it again at the same revision writes the file again.
func TestDisableThenEnable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	g := newTestGenerator(t, dir, nil)
	path := filepath.Join(dir, "web.json")
	for i, cfg := range []any{enabled, &ServiceConfig{Disabled: true}, &ServiceConfig{}} {
		if err := g.Update(ctx, []generator.Service{service("web", 4, cfg, hostPort("h", 80))}); err != nil {
			t.Fatal(err)
		}
		_, err := os.Stat(path)
		if exists := err == nil; exists != (i != 1) {
			t.Errorf("step %d: file exists = %v", i, exists)
		}
	}
}

// One service's failure stops neither the others nor the clean-up, and
// the failed service is retried at the next update even at the same
// revision.
func TestWriteErrorIsolated(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	g := newTestGenerator(t, dir, reg)
	if err := os.Mkdir(filepath.Join(dir, "b.json"), 0o755); err != nil { // rename cannot replace it
		t.Fatal(err)
	}
	writeFile(t, dir, "gone.json", "[]")
	services := []generator.Service{
		service("a", 1, enabled, hostPort("h", 1)),
		service("b", 1, enabled, hostPort("h", 2)),
		service("bad/name", 1, enabled),
		service("c", 1, 42), // not a Normalize result: an error, and no clean-up of c.json
	}
	writeFile(t, dir, "c.json", "old")
	err := g.Update(ctx, services)
	for _, want := range []string{"service b: replace file", `service "bad/name"`, "service c: config of type int"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %q", err, want)
		}
	}
	want := []string{"a.json", "b.json/", "c.json"}
	if got := listDir(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("directory = %v, want %v (temp file left, or a.json missing?)", got, want)
	}
	if err := os.Remove(filepath.Join(dir, "b.json")); err != nil {
		t.Fatal(err)
	}
	if err := g.Update(ctx, services[:2]); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := readFile(t, filepath.Join(dir, "b.json")); !strings.Contains(got, `"port":2`) {
		t.Errorf("b.json = %s", got)
	}
	if got := counts(t, reg); got[resultWritten] != 2 || got[resultFail] != 2 {
		t.Errorf("counts = %v, want 2 written, 2 failed", got)
	}
}

// The output directory disappearing under a running synapse (replaced by a
// file) fails every write and the clean-up, with errors naming them.
func TestUnwritableDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	g := newTestGenerator(t, dir, nil)
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Dir(dir), "out", "not a directory")
	err := g.Update(context.Background(), []generator.Service{
		service("a", 1, enabled, hostPort("h", 1)), service("b", 1, enabled, hostPort("h", 2)),
	})
	for _, want := range []string{"service a: write temp file", "service b: write temp file", "clean-up", "not a directory"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %q", err, want)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	g := newTestGenerator(t, dir, nil)
	err := g.Update(ctx, []generator.Service{service("a", 1, enabled)})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("err = %v", err)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}
