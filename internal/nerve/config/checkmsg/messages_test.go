// Package checkmsg_test holds the exact messages nerve's config loader
// gives for real configs' mistakes, with the real reporters (the config
// package's own tests register fakes under their names).
package checkmsg_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	nerveconfig "github.com/smartstack-go/smartstack/internal/nerve/config"
	_ "github.com/smartstack-go/smartstack/internal/reporter/etcd"
	_ "github.com/smartstack-go/smartstack/internal/reporter/zookeeper"
)

var update = flag.Bool("update", false, "rewrite testdata/*.want from the current messages")

// TestMessages loads each testdata/<case>.yaml and compares every warning
// and error, in order, with testdata/<case>.want.
func TestMessages(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.yaml: %v", err)
	}
	noEnv := func(string) (string, bool) { return "", false }
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			_, warnings, err := nerveconfig.Load(nerveconfig.LoadOptions{Path: path, Env: noEnv})
			var b strings.Builder
			for _, w := range warnings {
				b.WriteString("warning: " + w.String() + "\n")
			}
			if err != nil {
				for _, line := range strings.Split(err.Error(), "\n") {
					b.WriteString("error: " + line + "\n")
				}
			}
			want := strings.TrimSuffix(path, ".yaml") + ".want"
			if *update {
				if err := os.WriteFile(want, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := b.String(); got != string(data) {
				t.Errorf("messages differ from %s\n--- got\n%s--- want\n%s", want, got, data)
			}
		})
	}
}
