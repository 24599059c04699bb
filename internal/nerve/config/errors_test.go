package config

import (
	"errors"
	"testing"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/internal/config"
)

// The config of the original issue: every problem is one line naming file,
// line and key path, and they all come at once.
func TestBrokenConfig(t *testing.T) {
	_, ws, err := Load(LoadOptions{Path: "testdata/broken/nerve.yaml", Env: noEnv})
	equalLines(t, "errors", errLines(err), []string{
		"testdata/broken/nerve.yaml: instance_id: you need to specify required argument instance_id",
		"testdata/broken/nerve.yaml:7: services.web: missing required argument port",
		"testdata/broken/nerve.yaml:12: services.web.checks[0]: missing required argument 'port' in tcp check",
		"testdata/broken/nerve.yaml:16: services.api.weight: invalid 'weight' argument in service data: \"-1\", want a non-negative integer",
		`testdata/broken/nerve.yaml:20: services.api.checks[0].type: unknown check type "htpp"; valid types: base, exec, http, noop, rabbitmq, redis, tcp`,
		"testdata/broken/services/worker.yaml:2: not valid yaml: mapping values are not allowed in this context",
	}, "")
	equalLines(t, "warnings", warnLines(ws), []string{
		"testdata/broken/nerve.yaml:10: services.web.chek_interval: unknown key (did you mean check_interval?)",
	}, "")
	for _, e := range errLines(err) {
		t.Log(e)
	}
	var ce *config.Error
	if !errors.As(err, &ce) || !errors.Is(err, check.ErrUnknownType) {
		t.Errorf("errors are not *config.Error or lost their cause: %v", err)
	}
}
