package zookeeper

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// genConfig requires the snapshot's generator config to be exactly want
// (generator name → its section as compact YAML flow), nil for "no change".
func genConfig(want map[string]string) func(watcher.Snapshot) error {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return s.Err
		}
		if want == nil {
			if s.GeneratorConfig != nil {
				return fmt.Errorf("generator config %v, want none", s.GeneratorConfig)
			}
			return nil
		}
		if len(s.GeneratorConfig) != len(want) {
			return fmt.Errorf("generator config has %d sections, want %d", len(s.GeneratorConfig), len(want))
		}
		for k, w := range want {
			n := s.GeneratorConfig[k]
			if n == nil {
				return fmt.Errorf("no section %q", k)
			}
			var v any
			if err := n.Decode(&v); err != nil {
				return err
			}
			if got := fmt.Sprint(v); got != w {
				return fmt.Errorf("section %q = %s, want %s", k, got, w)
			}
		}
		return nil
	}
}

func TestGeneratorConfigFromParentData(t *testing.T) {
	forModes(t, func(t *testing.T, mode string) {
		z := testutil.SharedZooKeeper(t)
		c := zkConn(t, z.Addrs())
		root := testutil.ZKPath(t)
		mustEnsure(t, c, root)
		cfg := testConfig(z.Addrs(), root)
		cfg.WatchMode = mode
		r := start(t, Method, cfg, nil)
		r.Await(t, "empty parent data: no change", genConfig(nil))
		if _, err := c.Set(root, []byte(`{"haproxy":{"port":3000},"file_output":{}}`), -1); err != nil {
			t.Fatal(err)
		}
		r.Await(t, "parent data", genConfig(map[string]string{"haproxy": "map[port:3000]", "file_output": "map[]"}))
		if _, err := c.Set(root, []byte(`{"haproxy":`), -1); err != nil {
			t.Fatal(err)
		}
		r.Await(t, "invalid JSON: no change", genConfig(nil))
		mustCreate(t, c, root+"/a_0000000001", `{"host":"a","port":1}`, 0)
		r.Await(t, "child added", backends(`{"name":null,"host":"a","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`))
		if n := r.logs.Count("ignoring generator config"); n != 1 {
			t.Fatalf("invalid generator config logged %d times, want once", n)
		}
	})
}

func TestGeneratorConfigPath(t *testing.T) {
	forModes(t, func(t *testing.T, mode string) {
		z := testutil.SharedZooKeeper(t)
		c := zkConn(t, z.Addrs())
		root := testutil.ZKPath(t)
		mustEnsure(t, c, root+"/svc")
		if _, err := c.Set(root+"/svc", []byte(`{"haproxy":{"from":"parent"}}`), -1); err != nil {
			t.Fatal(err)
		}
		cfg := testConfig(z.Addrs(), root+"/svc")
		cfg.GeneratorConfigPath = root + "/cfg"
		cfg.WatchMode = mode
		r := start(t, Method, cfg, nil)
		r.Await(t, "config node missing: no change", genConfig(nil))
		mustCreate(t, c, root+"/cfg", `{"haproxy":{"from":"cfg"}}`, 0)
		r.Await(t, "config node created", genConfig(map[string]string{"haproxy": "map[from:cfg]"}))
		if _, err := c.Set(root+"/cfg", []byte(`{"haproxy":{"from":"cfg2"}}`), -1); err != nil {
			t.Fatal(err)
		}
		r.Await(t, "config node changed", genConfig(map[string]string{"haproxy": "map[from:cfg2]"}))
		mustCreate(t, c, root+"/svc/a_0000000001", `{"host":"a","port":1}`, 0)
		s := r.Await(t, "child added", backends(`{"name":null,"host":"a","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`))
		if err := genConfig(map[string]string{"haproxy": "map[from:cfg2]"})(s); err != nil {
			t.Fatalf("generator config lost on a children change: %v", err)
		}
	})
}

func TestGeneratorConfigDisabled(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := zkConn(t, z.Addrs())
	root := testutil.ZKPath(t)
	mustEnsure(t, c, root)
	if _, err := c.Set(root, []byte(`{"haproxy":{"port":1}}`), -1); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, root+"/a_0000000001", `{"host":"a","port":1}`, 0)
	cfg := testConfig(z.Addrs(), root)
	cfg.GeneratorConfigPath = Disabled
	r := start(t, Method, cfg, nil)
	s := r.Await(t, "backends", backends(`{"name":null,"host":"a","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`))
	if s.GeneratorConfig != nil {
		t.Fatalf("generator config read although disabled: %v", s.GeneratorConfig)
	}
}

func TestParseGeneratorConfig(t *testing.T) {
	for _, tc := range []struct {
		data, want, err string
	}{
		{data: `{"haproxy":{"listen":["mode http"]},"unknown_generator":{"key":"value"}}`, want: "haproxy unknown_generator"},
		{data: `{"haproxy":"value"}`, want: "haproxy"}, // the core turns a non-map into {}
		{data: `null`, want: ""},
		{data: `haproxy: {port: 1}`, err: "not valid JSON"},
		{data: `[1]`, err: "not a mapping"},
	} {
		got, err := parseGeneratorConfig("/p", []byte(tc.data))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.data, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.data, err)
			continue
		}
		if k := sortedKeys(got); k != tc.want {
			t.Errorf("%s: sections %q, want %q", tc.data, k, tc.want)
		}
	}
}

func sortedKeys(m map[string]*yaml.Node) string {
	return strings.Join(slices.Sorted(maps.Keys(m)), " ")
}
