package config

import (
	"slices"
	"testing"
)

// reporter_type selects the reporter, zookeeper by
// default and case-insensitively; its keys share the service's mapping.
func TestReporterSelection(t *testing.T) {
	tests := []struct {
		name, keys, typ string
		check           func(any) bool
	}{
		// The original's test uses zk_path "zk_path"; ZooKeeper paths must be absolute.
		{"default zookeeper", "zk_hosts: [zkhost1, zkhost2]\nzk_path: /zk_path", "zookeeper", func(r any) bool {
			zk, ok := r.(*fakeZK)
			return ok && slices.Equal(zk.ZKHosts, []string{"zkhost1", "zkhost2"}) && zk.ZKPath == "/zk_path"
		}},
		{"upper case", "reporter_type: ZooKeeper\nzk_hosts: [z]\nzk_path: /p\nuse_path_encoding: true\nnode_type: persistent\nttl_seconds: 360", "zookeeper", func(r any) bool {
			zk, ok := r.(*fakeZK)
			return ok && zk.UsePathEncoding && zk.NodeType == "persistent" && *zk.TTLSeconds == 360
		}},
		{"etcd", "reporter_type: etcd\netcd_host: etcdhost1\netcd_port: 4001\netcd_path: /path", "etcd", func(r any) bool {
			e, ok := r.(*fakeEtcd)
			return ok && *e == fakeEtcd{EtcdHost: "etcdhost1", EtcdPort: 4001, EtcdPath: "/path"}
		}},
		{"etcd defaults", "reporter_type: etcd\netcd_host: e", "etcd", func(r any) bool {
			e, ok := r.(*fakeEtcd)
			return ok && e.EtcdPort == 4003 && e.EtcdPath == "/"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, ws, err := loadString(t, "nerve.yaml", "instance_id: i\nservices:\n  s:\n    host: h\n    port: 1\n    "+
				indent(tc.keys))
			if err != nil || len(ws) > 0 {
				t.Fatalf("err %v, warnings %q", err, warnLines(ws))
			}
			s := cfg.Services["s"]
			if s.ReporterType != tc.typ || !tc.check(s.Reporter) {
				t.Fatalf("reporter %q %#v", s.ReporterType, s.Reporter)
			}
		})
	}
}

// A reporter's keys are unknown to another reporter type.
func TestReporterKeysOfAnotherType(t *testing.T) {
	_, ws, err := loadString(t, "nerve.yaml", "instance_id: i\nservices:\n  s:\n    host: h\n    port: 1\n    reporter_type: etcd\n    etcd_host: e\n    zk_path: /p\n")
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "warnings", warnLines(ws), []string{"DIR/nerve.yaml:8: services.s.zk_path: unknown key"}, dirOf(ws))
}
