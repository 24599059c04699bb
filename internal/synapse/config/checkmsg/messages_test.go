// Package checkmsg_test holds the exact messages the synapse config loader
// gives for real configs' mistakes, with the real generators and watchers
// (the config package's own tests register fakes under their names).
package checkmsg_test

import (
	"flag"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/config/configtest"
	_ "github.com/smartstack-go/smartstack/internal/synapse/cli" // registers every generator and discovery method
	synconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
)

var update = flag.Bool("update", false, "rewrite testdata/*.want from the current messages")

// TestGoldenMessages loads each testdata/<case>.yaml and compares every warning
// and error, in order, with testdata/<case>.want: one line per mistake,
// each naming file, line and key path.
func TestGoldenMessages(t *testing.T) {
	env := func(string) (string, bool) { return "", false }
	configtest.GoldenMessages(t, func(path string) ([]config.Warning, error) {
		_, warnings, err := synconfig.Load(path, env)
		return warnings, err
	}, *update)
}
