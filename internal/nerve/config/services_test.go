package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// service_conf_dir: *.yaml and *.json files, named by basename,
// replace inline services; with x.yaml and x.json, x.json wins.
func TestServiceConfDir(t *testing.T) {
	dir := t.TempDir()
	svc := func(host string) string {
		return "{\"host\": \"" + host + "\", \"port\": 80, \"zk_hosts\": [\"z\"], \"zk_path\": \"/p\"}"
	}
	writeFile(t, dir, "services/inline.yaml", svc("from-dir"))
	writeFile(t, dir, "services/both.yaml", svc("from-yaml"))
	writeFile(t, dir, "services/both.json", svc("from-json"))
	writeFile(t, dir, "services/.hidden.json", "not: [valid")
	writeFile(t, dir, "services/notes.txt", "not: [valid")
	main := writeFile(t, dir, "nerve.yaml", "instance_id: i\nservice_conf_dir: "+filepath.Join(dir, "services")+
		"\nservices:\n  inline: "+svc("from-main")+"\n  kept: "+svc("from-main")+"\n")
	cfg := mustLoad(t, LoadOptions{Path: main})
	got := map[string]string{}
	for name, s := range cfg.Services {
		got[name] = s.Host
	}
	want := map[string]string{"inline": "from-dir", "kept": "from-main", "both": "from-json"}
	if len(got) != len(want) || got["inline"] != want["inline"] || got["kept"] != want["kept"] || got["both"] != want["both"] {
		t.Fatalf("services %v, want %v", got, want)
	}
}

func TestServiceConfDirProblems(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "services/empty.yaml", "")
	writeFile(t, dir, "services/typo.json", "{\"host\": \"h\", \"port\": 80, \"zk_hosts\": [\"z\"], \"zk_path\": \"/p\",\n \"wieght\": 1,\n \"host\": \"h2\"}")
	main := writeFile(t, dir, "nerve.yaml", "instance_id: i\nservice_conf_dir: "+filepath.Join(dir, "services")+"\n")
	_, ws, err := Load(LoadOptions{Path: main, Env: noEnv})
	equalLines(t, "errors", errLines(err), []string{
		"DIR/services/empty.yaml:1: services.empty: missing required argument host",
		"DIR/services/empty.yaml:1: services.empty: missing required argument port",
		"DIR/services/empty.yaml:1: services.empty: missing required argument zk_hosts",
		"DIR/services/empty.yaml:1: services.empty: missing required argument zk_path",
	}, dir)
	equalLines(t, "warnings", warnLines(ws), []string{
		"DIR/services/typo.json:2: services.typo.wieght: unknown key (did you mean weight?)",
		"DIR/services/typo.json:3: services.typo.host: duplicate key, replaces the value at line 1",
	}, dir)

	notDir := writeFile(t, dir, "file.yaml", "instance_id: i\nservice_conf_dir: "+main+"\n")
	_, _, err = Load(LoadOptions{Path: notDir, Env: noEnv})
	equalLines(t, "errors", errLines(err), []string{
		"DIR/file.yaml:2: service_conf_dir: service conf dir does not exist: DIR/nerve.yaml",
	}, dir)
}

func TestLoadTestConcurrency(t *testing.T) {
	cfg, _, err := loadString(t, "nerve.yaml", `instance_id: i
services:
  s:
    host: h
    port: 1
    zk_hosts: [z]
    zk_path: /p
    load_test_concurrency: 2
    checks: [{type: tcp}]
  none:
    host: h
    port: 1
    zk_hosts: [z]
    zk_path: /p
    load_test_concurrency: 0
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := serviceNames(cfg); !slices.Equal(got, []string{"s_0", "s_1"}) {
		t.Fatalf("services %q", got)
	}
	s0, s1 := cfg.Services["s_0"], cfg.Services["s_1"]
	if c := s1.Checks[0].Common; c.Name != "s_1 tcp-h:1" || c.Service != "s_1" || s1.Name != "s_1" {
		t.Errorf("copy s_1: %+v", c)
	}
	if string(s0.Payload()) != string(s1.Payload()) || s0.Equal(s1) {
		t.Error("copies must register the same payload and differ in fingerprint (their names differ)")
	}
	if s0.Checks[0].Check == s1.Checks[0].Check {
		t.Error("copies share a check")
	}
}

func TestChecks(t *testing.T) {
	cfg, ws, err := loadString(t, "nerve.yaml", `instance_id: i
services:
  s:
    host: 10.0.0.1
    port: "3000"
    zk_hosts: [z]
    zk_path: /p
    checks:
      - type: tcp
      - {type: http, uri: /health, name: custom, host: 127.0.0.1, port: 6666, timeout: 1, rise: 3, fall: 2}
      - {type: redis, module: nerve-watcher-redis}
      - {type: exec, command: [true]}
      - {type: noop}
`)
	if err != nil || len(ws) > 0 {
		t.Fatalf("err %v, warnings %q", err, warnLines(ws))
	}
	var got []string
	for _, c := range cfg.Services["s"].Checks {
		cc := c.Common
		got = append(got, strings.Join([]string{cc.Type, cc.Name, cc.Host, itoa(cc.Port), cc.Timeout.String(), itoa(cc.Rise), itoa(cc.Fall), c.Module}, "|"))
	}
	want := []string{
		"tcp|s tcp-10.0.0.1:3000|10.0.0.1|3000|100ms|1|1|",
		"http|custom|127.0.0.1|6666|1s|3|2|",
		"redis|s redis-10.0.0.1:3000|10.0.0.1|3000|100ms|1|1|nerve-watcher-redis",
		"exec|s exec-10.0.0.1:3000|10.0.0.1|3000|100ms|1|1|",
		"noop|s noop-10.0.0.1:3000|10.0.0.1|3000|100ms|1|1|",
	}
	if !slices.Equal(got, want) {
		t.Errorf("checks\n got %q\nwant %q", got, want)
	}
	if cfg.Services["s"].CheckInterval != 500*time.Millisecond {
		t.Error("check_interval default")
	}
}
