package config

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

const exampleConf = "testdata/example/nerve.conf.json"

// The original's example config with -i testid.
func TestLoadExample(t *testing.T) {
	cfg := mustLoad(t, LoadOptions{Path: exampleConf, InstanceID: "testid"})
	want := []string{"etcd_service1", "rabbitmq_service", "your_http_service", "your_tcp_service", "zookeeper_service1"}
	if got := serviceNames(cfg); !slices.Equal(got, want) {
		t.Fatalf("services %q, want %q", got, want)
	}
	if cfg.InstanceID != "testid" || cfg.MaxRepeatedReportFailures != 10 || cfg.Statsd.Addr() != "localhost:8125" {
		t.Fatalf("top level: %+v", cfg)
	}
	http := cfg.Services["your_http_service"]
	if http.InstanceID != "testid" || http.CheckInterval != 2*time.Second || http.ReporterType != "zookeeper" {
		t.Errorf("your_http_service: %+v", http)
	}
	if zk, ok := http.Reporter.(*fakeZK); !ok || zk.ZKPath != "/nerve/services/your_http_service/services" || !slices.Equal(zk.ZKHosts, []string{"localhost:2181"}) {
		t.Errorf("reporter: %#v", http.Reporter)
	}
	c := http.Checks[0].Common
	if c.Type != "http" || c.Name != "your_http_service http-1.2.3.4:3000" || c.Host != "1.2.3.4" || c.Port != 3000 ||
		c.Timeout != 200*time.Millisecond || c.Rise != 3 || c.Fall != 2 || c.Service != "your_http_service" {
		t.Errorf("http check: %+v", c)
	}
	if etcd, ok := cfg.Services["etcd_service1"].Reporter.(*fakeEtcd); !ok || etcd.EtcdPort != 4001 {
		t.Errorf("etcd reporter: %#v", cfg.Services["etcd_service1"].Reporter)
	}
	if got := string(cfg.Services["zookeeper_service1"].Payload()); got != `{"host":"1.2.3.4","port":3000,"name":"testid","weight":2}` {
		t.Errorf("payload %s", got)
	}
}

func TestLoadOptionsFromEnv(t *testing.T) {
	tests := []struct {
		name     string
		opts     LoadOptions
		env      map[string]string
		instance string
		err      error
	}{
		{name: "file id", opts: LoadOptions{Path: exampleConf}, instance: "mymachine"},
		{name: "flag wins over file", opts: LoadOptions{Path: exampleConf, InstanceID: "testid"}, instance: "testid"},
		{name: "env id", opts: LoadOptions{Path: exampleConf}, env: map[string]string{"NERVE_INSTANCE_ID": "envid"}, instance: "envid"},
		{name: "empty env id is no override", opts: LoadOptions{Path: exampleConf}, env: map[string]string{"NERVE_INSTANCE_ID": ""}, instance: "mymachine"},
		{name: "flag wins over env", opts: LoadOptions{Path: exampleConf, InstanceID: "flag"}, env: map[string]string{"NERVE_INSTANCE_ID": "envid"}, instance: "flag"},
		{name: "config from env", env: map[string]string{"NERVE_CONFIG": exampleConf}, instance: "mymachine"},
		// Nothing says where the config is.
		{name: "no config", err: ErrNoConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Env = envOf(tc.env)
			cfg, _, err := Load(tc.opts)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if tc.err == nil && cfg.InstanceID != tc.instance {
				t.Fatalf("instance_id %q, want %q", cfg.InstanceID, tc.instance)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	cfg, ws, err := loadString(t, "nerve.yaml", `
instance_id: i-1
services:
  web:
    host: 10.0.0.1
    port: 8080
    zk_hosts: [zk1:2181]
    zk_path: /nerve/web
    checks:
      - type: tcp
`)
	if err != nil || len(ws) > 0 {
		t.Fatalf("err %v, warnings %q", err, warnLines(ws))
	}
	if cfg.MaxRepeatedReportFailures != 10 || cfg.HeartbeatPath != "" || cfg.Statsd != (Statsd{Host: "localhost", Port: 8125}) {
		t.Errorf("top level: %+v", cfg)
	}
	p := cfg.Prometheus
	if p.Enabled || p.Addr() != "127.0.0.1:9292" || !slices.Equal(p.HistogramBucketsZK, DefaultHistogramBucketsZK) ||
		!slices.Equal(p.HistogramBucketsMainLoop, DefaultHistogramBucketsMainLoop) {
		t.Errorf("prometheus: %+v", p)
	}
	web := cfg.Services["web"]
	if web.CheckInterval != 500*time.Millisecond || web.CheckMocked || web.Weight != nil ||
		web.HAProxyServerOptions.Present() || web.Labels.Present() || web.ReporterType != "zookeeper" {
		t.Errorf("service: %+v", web)
	}
	if rl := web.RateLimit; !rl.ShadowMode || !math.IsInf(rl.AverageRate, 1) || !math.IsInf(rl.MaxBurst, 1) {
		t.Errorf("rate limit: %+v", rl)
	}
	if zk := web.Reporter.(*fakeZK); zk.NodeType != "ephemeral_sequential" {
		t.Errorf("reporter defaults lost: %+v", zk)
	}
	c := web.Checks[0].Common
	if c.Name != "web tcp-10.0.0.1:8080" || c.Host != "10.0.0.1" || c.Port != 8080 || c.Timeout != 100*time.Millisecond || c.Rise != 1 || c.Fall != 1 {
		t.Errorf("check: %+v", c)
	}
	if web.Checks[0].Check == nil {
		t.Error("check not built")
	}
}
