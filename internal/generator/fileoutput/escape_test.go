package fileoutput

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Registration strings are data: the file is JSON, so quotes, backslashes
// and anything else in a name or label come back as the same strings and
// cannot end the document or add a key. Even control characters, which
// synapse refuses before a generator sees them, stay escaped here.
func TestFileEscapesValues(t *testing.T) {
	nasty := "a\"b\\c\n]},{\"host\":\"6.6.6.6\" </script>\u2028é\x00"
	b := hostPort("10.0.0.1", 80)
	b.Name = registration.StringValue(nasty)
	b.Labels = registration.ObjectValue(registration.Member{Key: nasty, Value: registration.StringValue(nasty)})
	b.HAProxyServerOptions = registration.StringValue(nasty)
	dir := t.TempDir()
	g := newTestGenerator(t, dir, nil)
	if err := g.Update(context.Background(), []generator.Service{service("web", 0, enabled, b)}); err != nil {
		t.Fatal(err)
	}
	raw := readFile(t, filepath.Join(dir, "web.json"))
	if strings.Contains(raw, "\x00") || strings.Contains(raw, "c\n]") {
		t.Errorf("raw control characters in the file:\n%q", raw)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("file is not JSON: %v\n%s", err, raw)
	}
	labels, _ := got[0]["labels"].(map[string]any)
	if len(got) != 1 || got[0]["name"] != nasty || got[0]["host"] != "10.0.0.1" ||
		got[0]["haproxy_server_options"] != nasty || labels[nasty] != nasty {
		t.Errorf("parsed = %#v, want the strings back unchanged", got)
	}
}
