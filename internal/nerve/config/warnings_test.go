package config

import (
	"testing"
	"time"
)

// Unknown keys are warnings naming the key and the known key it resembles,
// at every level; the keys the original ignores are known.
func TestWarnings(t *testing.T) {
	tests := []struct {
		name, keys string
		warns      []string
	}{
		{"service typo", "chek_interval: 2",
			[]string{"DIR/nerve.yaml:8: services.s.chek_interval: unknown key (did you mean check_interval?)"}},
		{"reporter typo", "zk_host: [z]",
			[]string{"DIR/nerve.yaml:8: services.s.zk_host: unknown key (did you mean zk_hosts?)"}},
		{"common check key", "checks: [{type: tcp, raise: 2}]",
			[]string{"DIR/nerve.yaml:8: services.s.checks[0].raise: unknown key (did you mean rise?)"}},
		{"type's check key", "checks: [{type: http, uri: /, expcet: ok}]",
			[]string{"DIR/nerve.yaml:8: services.s.checks[0].expcet: unknown key (did you mean expect?)"}},
		{"key of another check type", "checks: [{type: noop, uri: /}]",
			[]string{"DIR/nerve.yaml:8: services.s.checks[0].uri: unknown key"}},
		{"private key", "server_backup_port: 8081",
			[]string{"DIR/nerve.yaml:8: services.s.server_backup_port: unknown key"}},
		{"rate limiting", "rate_limiting: {average_rat: 1}",
			[]string{"DIR/nerve.yaml:8: services.s.rate_limiting.average_rat: unknown key (did you mean average_rate?)"}},
		{"ignored keys", "instance_id: x\nname: y\nmax_repeated_report_failures: 3\nzk_cluster_name: norcal\ncheck_mocked: true", nil},
		{"labels are open", "labels: {anything: {at: [all]}}", nil},
		{"duplicate key", "host: other",
			[]string{"DIR/nerve.yaml:8: services.s.host: duplicate key, replaces the value at line 4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ws, err := loadString(t, "nerve.yaml", "instance_id: i\nservices:\n  s:\n    host: h\n    port: 1\n    zk_hosts: [z]\n    zk_path: /p\n    "+indent(tc.keys)+"\n")
			if err != nil {
				t.Fatal(err)
			}
			equalLines(t, "warnings", warnLines(ws), tc.warns, dirOf(ws))
		})
	}
}

func TestTopLevelWarnings(t *testing.T) {
	_, ws, err := loadString(t, "nerve.yaml", "instance_id: i\nheartbeat_pat: /x\nstatsd: {hots: h}\nprometheus: {enable: true}\ninstance_id: j\n")
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "warnings", warnLines(ws), []string{
		"DIR/nerve.yaml:2: heartbeat_pat: unknown key (did you mean heartbeat_path?)",
		"DIR/nerve.yaml:3: statsd.hots: unknown key (did you mean host?)",
		"DIR/nerve.yaml:4: prometheus.enable: unknown key (did you mean enabled?)",
		"DIR/nerve.yaml:5: instance_id: duplicate key, replaces the value at line 1",
	}, dirOf(ws))
}

// The original reads rise and fall with to_i and timeout with to_f, and
// puppet-nerve writes them quoted: they load, each with a warning.
func TestNumbersAsStrings(t *testing.T) {
	cfg, ws, err := loadString(t, "nerve.yaml", "instance_id: i\nstatsd: {port: '8125'}\nservices:\n  s:\n    host: h\n    port: 1\n    zk_hosts: [z]\n    zk_path: /p\n"+
		"    checks:\n      - {type: tcp, rise: \"3\", fall: \"2\", timeout: \"0.5\"}\n")
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "warnings", warnLines(ws), []string{
		`DIR/nerve.yaml:2: statsd.port: number written as a string "8125"; read as 8125`,
		`DIR/nerve.yaml:10: services.s.checks[0].rise: number written as a string "3"; read as 3`,
		`DIR/nerve.yaml:10: services.s.checks[0].fall: number written as a string "2"; read as 2`,
		`DIR/nerve.yaml:10: services.s.checks[0].timeout: number written as a string "0.5"; read as 0.5`,
	}, dirOf(ws))
	c := cfg.Services["s"].Checks[0].Common
	if c.Rise != 3 || c.Fall != 2 || c.Timeout != 500*time.Millisecond || cfg.Statsd.Port != 8125 {
		t.Errorf("check %+v, statsd %+v", c, cfg.Statsd)
	}
}
