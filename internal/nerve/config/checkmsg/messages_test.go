// Package checkmsg_test holds the exact messages nerve's config loader
// gives for real configs' mistakes, with the real reporters (the config
// package's own tests register fakes under their names).
package checkmsg_test

import (
	"flag"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/config/configtest"
	nerveconfig "github.com/smartstack-go/smartstack/internal/nerve/config"
	_ "github.com/smartstack-go/smartstack/internal/reporter/etcd"
	_ "github.com/smartstack-go/smartstack/internal/reporter/zookeeper"
)

var update = flag.Bool("update", false, "rewrite testdata/*.want from the current messages")

// TestGoldenMessages loads each testdata/<case>.yaml and compares every warning
// and error, in order, with testdata/<case>.want.
func TestGoldenMessages(t *testing.T) {
	noEnv := func(string) (string, bool) { return "", false }
	configtest.GoldenMessages(t, func(path string) ([]config.Warning, error) {
		_, warnings, err := nerveconfig.Load(nerveconfig.LoadOptions{Path: path, Env: noEnv})
		return warnings, err
	}, *update)
}
