package config

import "testing"

// timeout: 0 loads as 0 (the original's "no limit"), for every check type
// that takes it, rather than falling back to the default or failing.
func TestZeroCheckTimeout(t *testing.T) {
	cfg, ws, err := loadString(t, "nerve.yaml", `instance_id: h
services:
  web:
    host: 127.0.0.1
    port: 8080
    zk_hosts: [zk:2181]
    zk_path: /nerve/web
    checks:
      - {type: tcp, timeout: 0}
      - {type: http, uri: /health, timeout: 0}
      - {type: exec, command: "true", timeout: 0}
`)
	if err != nil || len(ws) > 0 {
		t.Fatalf("err %v, warnings %q", err, warnLines(ws))
	}
	for _, c := range cfg.Services["web"].Checks {
		if c.Common.Timeout != 0 || c.Check == nil {
			t.Errorf("%s: timeout %s, built %v", c.Common.Type, c.Common.Timeout, c.Check != nil)
		}
	}
}
