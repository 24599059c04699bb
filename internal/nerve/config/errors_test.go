package config

import (
	"errors"
	"path/filepath"
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

// One mistake gives one error: checks that would inherit an unusable
// service port say nothing more about it (checkmsg has the real reporters'
// cases).
func TestOneErrorPerMistake(t *testing.T) {
	tests := []struct {
		name, keys string
		want       []string
	}{
		{"service port out of range", "port: 70000\n    zk_hosts: [z]\n    checks: [{type: tcp}, {type: http, uri: /}]",
			[]string{`DIR/nerve.yaml:6: services.s.port: invalid port "70000", want an integer 0-65535 (a number or a string of digits)`}},
		{"service port missing", "zk_hosts: [z]\n    checks: [{type: tcp}]",
			[]string{`DIR/nerve.yaml:4: services.s: missing required argument port`}},
		{"a check's own port still counts", "port: 70000\n    zk_hosts: [z]\n    checks: [{type: tcp, port: [1]}]",
			[]string{
				`DIR/nerve.yaml:6: services.s.port: invalid port "70000", want an integer 0-65535 (a number or a string of digits)`,
				`DIR/nerve.yaml:8: services.s.checks[0].port: invalid port a list, want an integer 0-65535 (a number or a string of digits)`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := loadString(t, "nerve.yaml", "instance_id: i\nservices:\n  s:\n    host: h\n    zk_path: /p\n    "+tc.keys+"\n")
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want config errors", err)
			}
			equalLines(t, "errors", errLines(err), tc.want, filepath.Dir(ce.File))
		})
	}
}
