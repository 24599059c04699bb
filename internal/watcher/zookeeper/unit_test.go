package zookeeper

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func decodePoll(t *testing.T, src string) (*PollConfig, error) {
	t.Helper()
	cfg := NewPollConfig()
	if _, err := config.Decode("synapse.yaml", []byte(src), cfg); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// The zookeeper_poll config and the shared zookeeper keys.
func TestConfig(t *testing.T) {
	cfg, err := decodePoll(t, "hosts: [b:2181, a:2181]\npath: /svc\n")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.pollInterval() != DefaultPollingInterval || time.Duration(cfg.SessionTimeout) != 36*time.Second ||
		time.Duration(cfg.ResyncInterval) != DefaultResyncInterval || cfg.RetryPolicy.Policy() != DefaultRetryPolicy() {
		t.Fatalf("defaults: %+v", cfg)
	}
	if got := spread(t, &cfg.Config); got != time.Second {
		t.Fatalf("default reconnect_resync_spread gives a %s spread, want 1s", got)
	}
	if c, err := decodePoll(t, "hosts: [a:1]\npath: /svc\nreconnect_resync_spread: 30\n"); err != nil || spread(t, &c.Config) != 30*time.Second {
		t.Fatalf("reconnect_resync_spread 30: %v %v", spread(t, &c.Config), err)
	}
	if m, err := cfg.watchMode(); m != zk.WatchAuto || err != nil {
		t.Fatalf("default zk_watch_mode = %q, %v; want auto", m, err)
	}
	for _, v := range []string{"auto", "persistent", "classic"} {
		c, err := decodePoll(t, "hosts: [a:1]\npath: /svc\nzk_watch_mode: "+v+"\n")
		if m, _ := c.watchMode(); err != nil || string(m) != v {
			t.Errorf("zk_watch_mode %s: got %q, %v", v, m, err)
		}
	}
	if warns, err := config.Decode("synapse.yaml", []byte("hosts: [a:1]\npath: /svc\nzk_watch_mode: classic\n"), NewConfig()); err != nil || len(warns) != 0 {
		t.Errorf("zk_watch_mode: warnings %v, err %v; want a known key", warns, err)
	}
	if got := strings.Join(cfg.sortedHosts(), ","); got != "a:2181,b:2181" {
		t.Fatalf("sorted hosts %s", got)
	}
	if cfg, err = decodePoll(t, "hosts: [a:1]\npath: /svc\npolling_interval_sec: 2.5\n"); err != nil || cfg.pollInterval() != 2500*time.Millisecond {
		t.Fatalf("2.5: %v %v", cfg.pollInterval(), err)
	}
	for src, want := range map[string]string{
		"hosts: [a:1]\npath: /svc\npolling_interval_sec: bogus\n": "polling_interval_sec",
		"path: /svc\n":              "hosts: missing",
		"hosts: [a:1]\n":            "path: missing",
		"hosts: [a:1]\npath: svc\n": `path: "svc" must start with /`,
		"hosts: [a:1]\npath: /svc\ndecode: {method: bogus}\n":         `decode.method: "bogus" is invalid`,
		"hosts: [a:1]\npath: /svc\ndecode: {endpoint_name: x}\n":      "decode.method: missing",
		"hosts: [a:1]\npath: /svc\ngenerator_config_path: x/y\n":      `generator_config_path: "x/y" must start with /`,
		"hosts: [a:1]\npath: /svc\nretry_policy: {max_attempts: 0}\n": "retry_policy: invalid retry policy: max_attempts",
		"hosts: [a:1]\npath: /svc\nzk_watch_mode: recursive\n":        `zk_watch_mode: "recursive" is invalid; want auto, persistent or classic`,
		"hosts: [a:1]\npath: /svc\nreconnect_resync_spread: -1\n":     `reconnect_resync_spread: invalid duration "-1": must not be negative`,
	} {
		if _, err := decodePoll(t, src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", src, err, want)
		}
	}
}

// spread is the reconnect re-read's spread a watcher built from cfg uses.
func spread(t *testing.T, cfg *Config) time.Duration {
	t.Helper()
	w, err := New("svc", cfg, watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w.(*Watcher).watchOptions().ResyncJitter
}

func TestConfigDefaultsAndKeys(t *testing.T) {
	cfg := NewConfig()
	warns, err := config.Decode("s.yaml", []byte("hosts: [a:1]\npath: /svc/\ngenerator_config_path: disabled\ndiscovery_jitter: 121\npolling_interval_sec: 1\n"), cfg)
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0].String(), "polling_interval_sec: unknown key") {
		t.Fatalf("zookeeper takes no polling_interval_sec: %v %v", warns, err)
	}
	if cfg.parent() != "/svc" || cfg.configPath() != "" || cfg.jitter() != 0 || len(cfg.Warnings()) != 1 {
		t.Fatalf("parent %q config %q jitter %s warnings %v", cfg.parent(), cfg.configPath(), cfg.jitter(), cfg.Warnings())
	}
	cfg.GeneratorConfigPath = ""
	if cfg.configPath() != "/svc" {
		t.Fatalf("default generator config path %q", cfg.configPath())
	}
	if _, err := New("svc", "not a config", watcher.Options{}); err == nil {
		t.Fatal("New accepted a string config")
	}
	if _, err := New("svc", NewConfig(), watcher.Options{}); err == nil || !strings.Contains(err.Error(), "hosts") {
		t.Fatalf("New without hosts: %v", err)
	}
}

// discovery_jitter 25 s. Ours waits the remainder, not the
// whole jitter (see docs/compatibility.md).
func TestThrottle(t *testing.T) {
	now := time.Unix(1000, 0)
	th := newThrottle(25 * time.Second)
	th.now = func() time.Time { return now }
	if d := th.delay(now); d != 0 {
		t.Fatalf("no previous discovery: delay %s", d)
	}
	th.last = now.Add(-26 * time.Second)
	if d := th.delay(now); d != 0 {
		t.Fatalf("26s ago: delay %s", d)
	}
	th.last = now.Add(-24 * time.Second)
	if d := th.delay(now); d != time.Second {
		t.Fatalf("24s ago: delay %s, want the 1s remainder", d)
	}
	if th.allow() || th.C == nil {
		t.Fatal("allow() while throttled")
	}
	th.stop()
	cfg := NewConfig()
	j := config.Duration(121 * time.Second)
	cfg.DiscoveryJitter = &j
	if cfg.jitter() != 0 {
		t.Fatal("jitter 121 not ignored")
	}
}

// The fixed schema, ids, base64_ names.
func TestDecodeChildren(t *testing.T) {
	d := newDecoder(registration.Format{}, "/p", slog.New(slog.DiscardHandler), nil)
	data := `{"host":"server","port":"8888","name":"server","weight":"1","haproxy_server_options":"backup","labels":{"az":"us-east-1a"},"skipGc":true}`
	prefix, _ := registration.EncodedPrefix([]byte(`{"host":"127.0.0.1","port":"3000","labels":{"a":"b"}}`))
	got := watchertest.Render(d.backends(map[string][]byte{
		"i-xxxxxxx_0000000005": []byte(data),
		"i-xxxxxxx_60da":       []byte(`{"host":"h","port":1}`),
		prefix + "0000000003":  nil,
		prefix[:len(prefix)-1]: nil,
	}))
	want := strings.Join([]string{
		`{"name":null,"host":"127.0.0.1","port":"3000","id":null,"weight":null,"haproxy_server_options":null,"labels":{"a":"b"}}`,
		`{"name":null,"host":"127.0.0.1","port":"3000","id":3,"weight":null,"haproxy_server_options":null,"labels":{"a":"b"}}`,
		`{"name":"server","host":"server","port":"8888","id":5,"weight":"1","haproxy_server_options":"backup","labels":{"az":"us-east-1a"}}`,
		`{"name":null,"host":"h","port":1,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`,
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// A missing parent that was never seen is "nothing
// registered"; a vanished child is skipped.
func TestStateNeverExisted(t *testing.T) {
	st := newState(newDecoder(registration.Format{}, "/p", slog.New(slog.DiscardHandler), nil), slog.New(slog.DiscardHandler), true)
	if _, ok := st.snapshot(); ok {
		t.Fatal("snapshot before any read")
	}
	st.children(zk.Snapshot{Path: "/p", Children: map[string][]byte{}})
	s, ok := st.snapshot()
	if !ok || s.Err != nil || len(s.Backends) != 0 || s.GeneratorConfig != nil {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestMetricsSharedPerRegisterer(t *testing.T) {
	reg := prometheus.NewRegistry()
	m1, err1 := metricsFor(reg)
	m2, err2 := metricsFor(reg)
	if err1 != nil || err2 != nil || m1 != m2 {
		t.Fatalf("metricsFor: %v %v same=%v", err1, err2, m1 == m2)
	}
	m3, err := metricsFor(nil)
	if err != nil || m3 == nil {
		t.Fatal("nil registerer")
	}
}

// The watcher's lines carry the service's path once: the children
// watcher, which adds the path it watches, gets a logger without it.
func TestLogPathOnce(t *testing.T) {
	var buf bytes.Buffer
	cfg := NewConfig()
	cfg.Hosts, cfg.Path = []string{"127.0.0.1:2181"}, "/services/svc"
	w, err := New("svc", cfg, watcher.Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	zw := w.(*Watcher)
	zw.log.Info("own line")
	// What zk.NewChildrenWatcher does with the logger it is given.
	zw.watchOptions().Logger.With("path", "/services/svc").Info("children watcher line")
	for line := range strings.Lines(buf.String()) {
		if n := strings.Count(line, "path="); n != 1 {
			t.Errorf("%d path attributes in %q", n, line)
		}
	}
}
