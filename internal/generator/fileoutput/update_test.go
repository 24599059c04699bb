package fileoutput

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func TestFileBytes(t *testing.T) {
	id7 := int64(7)
	tests := []struct {
		name     string
		backends []registration.Backend
		want     string // Ruby's to_json output, not computed
	}{
		{"full backend", []registration.Backend{{
			Name: registration.StringValue("i-1"), Host: "10.0.0.1", Port: registration.NumberPort(3000), ID: &id7,
			Labels: registration.ObjectValue(registration.Member{Key: "az", Value: registration.StringValue("a")}),
		}}, `[{"name":"i-1","host":"10.0.0.1","port":3000,"id":7,"weight":null,"haproxy_server_options":null,"labels":{"az":"a"}}]`},
		{"host and port", []registration.Backend{hostPort("somehost", 5555)},
			`[{"name":null,"host":"somehost","port":5555,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}]`},
		{"no backends", nil, `[]`},
		{"order kept, string port kept, no HTML escaping", []registration.Backend{
			{Host: "b", Port: registration.StringPort("3001"), Weight: registration.IntValue(1),
				HAProxyServerOptions: registration.StringValue("check inter 2s")},
			{Name: registration.StringValue("<a&b>"), Host: "a", Port: registration.NumberPort(1),
				Labels: registration.ObjectValue(registration.Member{Key: "z", Value: registration.StringValue("é\u2028/")})},
		}, `[{"name":null,"host":"b","port":"3001","id":null,"weight":1,"haproxy_server_options":"check inter 2s","labels":null},` +
			`{"name":"<a&b>","host":"a","port":1,"id":null,"weight":null,"haproxy_server_options":null,"labels":{"z":"é` + "\u2028" + `/"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			g := newTestGenerator(t, dir, nil)
			if err := g.Update(context.Background(), []generator.Service{service("example_service", 0, enabled, tt.backends...)}); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, filepath.Join(dir, "example_service.json")); got != tt.want {
				t.Errorf("file =\n%s\nwant\n%s", got, tt.want)
			}
			if got := listDir(t, dir); !reflect.DeepEqual(got, []string{"example_service.json"}) {
				t.Errorf("directory = %v (temp file left?)", got)
			}
		})
	}
}

// As the original's tests check it: parsed, not compared as bytes.
func TestFileParses(t *testing.T) {
	dir := t.TempDir()
	g := newTestGenerator(t, dir, nil)
	if err := g.Update(context.Background(), []generator.Service{service("example_service", 0, enabled, hostPort("somehost", 5555))}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "example_service.json"))), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0]["host"] != "somehost" || got[0]["port"] != float64(5555) {
		t.Errorf("parsed = %v", got)
	}
	st, err := os.Stat(filepath.Join(dir, "example_service.json"))
	if err != nil || st.Mode().Perm()&^0o644 != 0 {
		t.Errorf("mode = %v, %v; want at most 0644", st.Mode(), err)
	}
}

// Unchanged bytes are not rewritten, whatever the revision: readers that
// watch mtime or inode see only real changes. Changed bytes are renamed in.
func TestRewriteOnlyOnChange(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	g := newTestGenerator(t, dir, reg)
	path := filepath.Join(dir, "web.json")
	update := func(rev uint64, port int) {
		t.Helper()
		if err := g.Update(ctx, []generator.Service{service("web", rev, enabled, hostPort("h", port))}); err != nil {
			t.Fatal(err)
		}
	}
	update(1, 80)
	past := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	update(2, 80)
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !after.ModTime().Equal(past) {
		t.Errorf("identical content was rewritten: mtime %v, same inode %v", after.ModTime(), os.SameFile(before, after))
	}
	update(3, 81)
	changed, _ := os.Stat(path)
	if os.SameFile(before, changed) || !strings.Contains(readFile(t, path), `"port":81`) {
		t.Errorf("changed content not renamed in: %s", readFile(t, path))
	}
	want := map[string]float64{resultWritten: 2, resultUnchanged: 1, resultFail: 0}
	if got := counts(t, reg); !reflect.DeepEqual(got, want) {
		t.Errorf("counts = %v, want %v", got, want)
	}
}

// A second update at the same revision does not write (nor read:
// like the original, a file deleted behind synapse's back comes back only
// with the next revision).
func TestSameRevisionSkipped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	g := newTestGenerator(t, dir, reg)
	path := filepath.Join(dir, "example_service.json")
	svc := service("example_service", 0, enabled, hostPort("somehost", 5555))
	for i := range 2 {
		if err := g.Update(ctx, []generator.Service{svc}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := counts(t, reg); got[resultWritten] != 1 || got[resultUnchanged] != 0 {
		t.Errorf("counts = %v, want one write and no comparison", got)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("same revision was written again")
	}
	svc.Revision++
	if err := g.Update(ctx, []generator.Service{svc}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("new revision not written: %v", err)
	}
}
