package haproxy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
)

// The generator is registered under the top-level key and decodes its
// section through the shared decoder.
func TestRegistered(t *testing.T) {
	typ, ok := generator.Lookup("haproxy")
	if !ok {
		t.Fatal("haproxy generator not registered")
	}
	var n yaml.Node
	src := "global: []\ndefaults: []\ndo_writes: false\ndo_reloads: false\ndo_socket: false\n"
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	g, err := typ.New(config.NewDecoder("synapse.conf.json"), &n, "haproxy", generator.Options{})
	if err != nil || g.Name() != "haproxy" {
		t.Fatalf("New = %v, %v", g, err)
	}
	yaml.Unmarshal([]byte("global: []\ndefaults: []\n"), &n)
	d := config.NewDecoder("x")
	if _, err := typ.New(d, &n, "haproxy", generator.Options{}); !errors.Is(err, generator.ErrReported) {
		t.Errorf("err = %v, want ErrReported", err)
	}
	want := "x:1: haproxy: the `config_file_path` option is required when `do_writes` is true\n" +
		"x:1: haproxy: the `socket_file_path` option is required when `do_socket` is true\n" +
		"x:1: haproxy: the `reload_command` option is required when `do_reloads` is true"
	if err := d.Err(); err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
}

// Normalize fills defaults for a nil section and for a map from ZooKeeper
// without listen (the original crashes), and names bad keys.
func TestNormalize(t *testing.T) {
	g := newTestGenerator(t, baseConfig(), newFakeClock())
	sc, err := g.Normalize("svc", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := sc.(*ServiceConfig)
	if c.Listen == nil || c.Frontend == nil || c.Backend == nil || c.Port.Present {
		t.Errorf("nil section = %+v, want defaults", c)
	}
	zk := normalized(t, g, "svc", `{"port": 3000, "server_options": "check"}`)
	if zk.Listen == nil || !zk.Port.Present || zk.ServerOptions != "check" {
		t.Errorf("ZooKeeper map = %+v", zk)
	}
	var n yaml.Node
	yaml.Unmarshal([]byte("frontend: not a list"), &n)
	if _, err := g.Normalize("svc", &n); err == nil || !strings.Contains(err.Error(), "services.svc.haproxy.frontend") {
		t.Errorf("err = %v, want one naming the key", err)
	}
	mustUpdate(t, g, generator.Service{Name: "svc", Config: zk})
	if err := g.Update(context.Background(), []generator.Service{{Name: "x", Config: "wrong"}}); err == nil {
		t.Error("a foreign config type was accepted")
	}
}
