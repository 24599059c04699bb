package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The Yelp overlay and its deep merge (maps key by key, anything else replaced).
func TestOverlay(t *testing.T) {
	example := []string{"etcd_service1", "rabbitmq_service", "your_http_service", "your_tcp_service", "zookeeper_service1"}
	tests := []struct {
		name, overlay, instanceID string
		wantID                    string
		services                  []string
		warns, errs               []string
	}{
		{name: "instance_id and an extra key", overlay: "instance.json", wantID: "overlay_instance", services: example,
			warns: []string{"testdata/overlay/instance.json:1: extra_key: unknown key"}},
		{name: "-i wins over the overlay", overlay: "instance.json", instanceID: "testid", wantID: "testid", services: example,
			warns: []string{"testdata/overlay/instance.json:1: extra_key: unknown key"}},
		{name: "added service", overlay: "service.json", instanceID: "testid", wantID: "testid",
			services: []string{"etcd_service1", "overlay_service", "rabbitmq_service", "your_http_service", "your_tcp_service", "zookeeper_service1"}},
		{name: "added service without reporter keys", overlay: "service_bare.json", errs: []string{
			"testdata/overlay/service_bare.json:1: services.overlay_service: missing required argument zk_hosts",
			"testdata/overlay/service_bare.json:1: services.overlay_service: missing required argument zk_path",
		}},
		{name: "missing", overlay: "/nonexistent/overlay.json", instanceID: "testid", wantID: "testid", services: example,
			warns: []string{"/nonexistent/overlay.json: overlay config not found, ignored: no such file or directory"}},
		{name: "empty", overlay: "empty.json", wantID: "mymachine", services: example},
		{name: "blank", overlay: "blank.yaml", wantID: "mymachine", services: example},
		{name: "only a comment", overlay: "comment.yaml", wantID: "mymachine", services: example},
		{name: "not valid yaml", overlay: "syntax.yaml", errs: []string{
			"testdata/overlay/syntax.yaml:2: not valid yaml: did not find expected ',' or '}'",
		}},
		{name: "not a mapping", overlay: "list.yaml", errs: []string{
			"testdata/overlay/list.yaml:1: overlay must be a mapping, got a list",
		}},
		{name: "problems name the overlay", overlay: "bad_value.yaml",
			errs: []string{
				`testdata/overlay/bad_value.yaml:3: services.your_http_service.weight: invalid 'weight' argument in service data: "-3", want a non-negative integer`,
				`testdata/overlay/bad_value.yaml:8: services.zookeeper_service1.checks[0].port: invalid port "70000", want an integer 0-65535 (a number or a string of digits)`,
			},
			warns: []string{
				"testdata/overlay/bad_value.yaml:4: services.your_http_service.chek_interval: unknown key (did you mean check_interval?)",
				"testdata/overlay/bad_value.yaml:9: service_conf_dir: ignored in an overlay: service_conf_dir is read from the main config only",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			overlay := tc.overlay
			if !filepath.IsAbs(overlay) {
				overlay = filepath.Join("testdata/overlay", overlay)
			}
			cfg, ws, err := Load(LoadOptions{Path: exampleConf, OverlayPath: overlay, InstanceID: tc.instanceID, Env: noEnv})
			equalLines(t, "errors", errLines(err), tc.errs, "")
			equalLines(t, "warnings", warnLines(ws), tc.warns, "")
			if err != nil {
				return
			}
			if cfg.InstanceID != tc.wantID || cfg.OverlayPath != overlay {
				t.Errorf("instance_id %q, overlay %q", cfg.InstanceID, cfg.OverlayPath)
			}
			if got := serviceNames(cfg); !slices.Equal(got, tc.services) {
				t.Errorf("services %q, want %q", got, tc.services)
			}
		})
	}
}

func TestOverlayDeepMerge(t *testing.T) {
	cfg := mustLoad(t, LoadOptions{Path: exampleConf, OverlayPath: "testdata/overlay/merge.yaml"})
	if cfg.Statsd != (Statsd{Host: "localhost", Port: 9125}) {
		t.Errorf("statsd %+v: maps merge key by key", cfg.Statsd)
	}
	http := cfg.Services["your_http_service"]
	if http.CheckInterval != 5*time.Second || http.Host != "1.2.3.4" || http.Reporter.(*fakeZK).ZKPath == "" {
		t.Errorf("your_http_service %+v: keys of the base must stay", http)
	}
	if len(http.Checks) != 1 || http.Checks[0].Common.Type != "tcp" {
		t.Errorf("checks %+v: a list replaces the base's", http.Checks)
	}
	if got := string(http.Payload()); got != `{"host":"1.2.3.4","port":3000,"name":"mymachine","labels":{"az":"us-east-1a"}}` {
		t.Errorf("payload %s", got)
	}
	// The overlay applies after service_conf_dir, so it reaches its services.
	if got := *cfg.Services["zookeeper_service1"].Weight; got != 7 {
		t.Errorf("zookeeper_service1 weight %d, want 7", got)
	}
	if !cfg.Services["your_tcp_service"].Equal(mustLoad(t, LoadOptions{Path: exampleConf}).Services["your_tcp_service"]) {
		t.Error("a service the overlay does not touch changed")
	}
}

// The main loop polls the overlay's modification time.
func TestOverlayModTime(t *testing.T) {
	p := filepath.Join(t.TempDir(), "overlay.json")
	if _, ok := OverlayModTime(""); ok {
		t.Error("no overlay configured has a time")
	}
	if _, ok := OverlayModTime(p); ok {
		t.Error("a missing overlay has a time")
	}
	writeFile(t, filepath.Dir(p), "overlay.json", "{}")
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(p, when, when); err != nil {
		t.Fatal(err)
	}
	if got, ok := OverlayModTime(p); !ok || !got.Equal(when) {
		t.Errorf("time %v %v, want %v", got, ok, when)
	}
}
