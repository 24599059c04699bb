package config

import (
	"os"
	"path/filepath"
	"testing"
)

// zk_auth's file is read at load: a reload after it changed must restart
// the watcher (new watch key) although the YAML is the same.
func TestWatchKeyFollowsZKSecret(t *testing.T) {
	dir := t.TempDir()
	cred := filepath.Join(dir, "zk-digest")
	write := func(s string) {
		if err := os.WriteFile(cred, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("synapse:one\n")
	main := filepath.Join(dir, "synapse.yaml")
	if err := os.WriteFile(main, []byte(`services:
  web:
    discovery: {method: zookeeper, hosts: [z:2181], path: /p, zk_auth: {credentials_file: `+cred+`}}
    haproxy: {}
haproxy: {config_file_path: /tmp/x}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	key := func() string {
		t.Helper()
		c, _, err := Load(main, envOf(nil))
		if err != nil {
			t.Fatal(err)
		}
		return c.Services["web"].WatchKey
	}
	first := key()
	if key() != first {
		t.Fatal("same file, different watch key")
	}
	write("synapse:two\n")
	if key() == first {
		t.Fatal("changed credential file, same watch key: a reload would keep the old credential")
	}
}
