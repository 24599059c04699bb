package config

import (
	"path/filepath"
	"strings"
	"testing"
)

const fpBase = `instance_id: i
max_repeated_report_failures: 10
statsd: {port: 8125}
services:
  s:
    host: h
    port: 1
    zk_hosts: [z]
    zk_path: /p
    check_interval: 2
    labels: {a: 1, b: 2}
`

// A reload replaces a service's worker only when its configured
// mapping, instance_id, name or max_repeated_report_failures changed. Key
// order does not count, number spelling does (Ruby's Hash#==).
func TestFingerprint(t *testing.T) {
	tests := []struct {
		name, config, instanceID string
		same                     bool
	}{
		{name: "identical", config: fpBase, same: true},
		{name: "keys reordered", same: true, config: `instance_id: i
services:
  s:
    labels: {b: 2, a: 1}
    check_interval: 2
    zk_path: /p
    zk_hosts: [z]
    port: 1
    host: h
`},
		{name: "other top-level keys", same: true, config: fpBase + "heartbeat_path: /tmp/hb\nprometheus: {enabled: true}\n"},
		{name: "explicit default max failures", same: true, config: "max_repeated_report_failures: 10\n" + fpBase},
		{name: "integer to float", config: replace(fpBase, "check_interval: 2", "check_interval: 2.0")},
		{name: "port", config: replace(fpBase, "port: 1", "port: 2")},
		{name: "reporter key", config: replace(fpBase, "zk_path: /p", "zk_path: /q")},
		{name: "label value", config: replace(fpBase, "b: 2", "b: 3")},
		{name: "unknown key", config: fpBase + "    private: x\n"},
		{name: "instance_id", config: fpBase, instanceID: "other"},
		{name: "max failures", config: replace(fpBase, "max_repeated_report_failures: 10", "max_repeated_report_failures: 3")},
	}
	base := loadFingerprint(t, fpBase, "")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := loadFingerprint(t, tc.config, tc.instanceID)
			if got.Equal(base) != tc.same || (got.Fingerprint() == base.Fingerprint()) != tc.same {
				t.Fatalf("same = %v, want %v (%s vs %s)", !tc.same, tc.same, got.Fingerprint(), base.Fingerprint())
			}
		})
	}
}

// A service moved from the main file to service_conf_dir, JSON instead of
// YAML, is the same service.
func TestFingerprintAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "services/s.json", `{"host": "h", "port": 1, "zk_hosts": ["z"], "zk_path": "/p", "check_interval": 2, "labels": {"a": 1, "b": 2}}`)
	main := writeFile(t, dir, "nerve.yaml", "instance_id: i\nservice_conf_dir: "+filepath.Join(dir, "services")+"\n")
	got := mustLoad(t, LoadOptions{Path: main}).Services["s"]
	if base := loadFingerprint(t, fpBase, ""); !got.Equal(base) {
		t.Fatalf("fingerprints differ: %s vs %s", got.Fingerprint(), base.Fingerprint())
	}
}

func loadFingerprint(t *testing.T, config, instanceID string) Service {
	t.Helper()
	p := writeFile(t, t.TempDir(), "nerve.yaml", config)
	cfg, _, err := Load(LoadOptions{Path: p, InstanceID: instanceID, Env: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Services["s"].Fingerprint() == "" {
		t.Fatal("no fingerprint")
	}
	return cfg.Services["s"]
}

func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("replace: " + old + " not found")
	}
	return strings.Replace(s, old, new, 1)
}
