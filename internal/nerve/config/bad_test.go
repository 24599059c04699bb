package config

import (
	"os"
	"strings"
	"testing"
)

// Bad configs: every problem is one line naming file, line (when known),
// key path and, where there is one, the value; they come all at once.
func TestBadConfigs(t *testing.T) {
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file        string
		errs, warns []string
	}{
		{file: "syntax.yaml",
			errs: []string{
				`testdata/bad/syntax.yaml:3: not valid yaml: did not find expected ',' or '}'`,
			},
		},
		{file: "syntax.json",
			errs: []string{
				`testdata/bad/syntax.json:3: not valid json: invalid character ',' looking for beginning of object key string`,
			},
		},
		{file: "reporter.yaml",
			errs: []string{
				`testdata/bad/reporter.yaml:6: services.unknown.reporter_type: specified a reporter_type of "does_not_exist", which could not be found; known: etcd, zookeeper`,
				`testdata/bad/reporter.yaml:9: services.missing_zk_keys: missing required argument zk_hosts`,
				`testdata/bad/reporter.yaml:9: services.missing_zk_keys: missing required argument zk_path`,
				`testdata/bad/reporter.yaml:12: services.missing_etcd_host: missing required argument etcd_host`,
				`testdata/bad/reporter.yaml:19: services.reporter_type_list.reporter_type: cannot use a list as a string`,
				`testdata/bad/reporter.yaml:25: services.bad_zk_values.zk_hosts[1]: "" is empty`,
				`testdata/bad/reporter.yaml:26: services.bad_zk_values.zk_path: "nerve/relative" must start with /`,
			},
		},
		{file: "rate_limiting.yaml",
			errs: []string{
				`testdata/bad/rate_limiting.yaml:10: services.rate_string.rate_limiting.average_rate: cannot use "string" as a number`,
				`testdata/bad/rate_limiting.yaml:15: services.burst_string.rate_limiting.max_burst: cannot use "string" as a number`,
				`testdata/bad/rate_limiting.yaml:20: services.rate_negative.rate_limiting.average_rate: must be a number >= 0, got -1`,
				`testdata/bad/rate_limiting.yaml:25: services.burst_zero.rate_limiting.shadow_mode: cannot use "maybe" as a boolean`,
				`testdata/bad/rate_limiting.yaml:25: services.burst_zero.rate_limiting.max_burst: must be a number >= 1, got 0`,
			},
			warns: []string{
				`testdata/bad/rate_limiting.yaml:2: defaults: unknown key`,
			},
		},
		{file: "weight.yaml",
			errs: []string{
				`testdata/bad/weight.yaml:8: services.hello.weight: invalid 'weight' argument in service data: "hello", want a non-negative integer`,
				`testdata/bad/weight.yaml:9: services.negative.weight: invalid 'weight' argument in service data: "-1", want a non-negative integer`,
				`testdata/bad/weight.yaml:10: services.fraction.weight: invalid 'weight' argument in service data: "2.5", want a non-negative integer`,
				`testdata/bad/weight.yaml:11: services.null.weight: invalid 'weight' argument in service data: null, want a non-negative integer`,
				`testdata/bad/weight.yaml:12: services.boolean.weight: invalid 'weight' argument in service data: "true", want a non-negative integer`,
				`testdata/bad/weight.yaml:13: services.list.weight: invalid 'weight' argument in service data: a list, want a non-negative integer`,
				`testdata/bad/weight.yaml:14: services.spaces.weight: invalid 'weight' argument in service data: " 3", want a non-negative integer`,
			},
			warns: []string{
				`testdata/bad/weight.yaml:2: defaults: unknown key`,
			},
		},
		{file: "host_port.yaml",
			errs: []string{
				`testdata/bad/host_port.yaml:6: services.no_host: missing required argument host`,
				`testdata/bad/host_port.yaml:7: services.empty_host.host: must not be empty`,
				`testdata/bad/host_port.yaml:8: services.no_port: missing required argument port`,
				`testdata/bad/host_port.yaml:9: services.null_port: missing required argument port`,
				`testdata/bad/host_port.yaml:10: services.word_port.port: invalid port "abc", want an integer 0-65535 (a number or a string of digits)`,
				`testdata/bad/host_port.yaml:11: services.list_port.port: invalid port a list, want an integer 0-65535 (a number or a string of digits)`,
				`testdata/bad/host_port.yaml:12: services.big_port.port: invalid port "70000", want an integer 0-65535 (a number or a string of digits)`,
				`testdata/bad/host_port.yaml:13: services.negative_port.port: invalid port "-1", want an integer 0-65535 (a number or a string of digits)`,
				`testdata/bad/host_port.yaml:14: services.fraction_port.port: invalid port "80.5", want an integer 0-65535 (a number or a string of digits)`,
				`testdata/bad/host_port.yaml:15: services.empty: missing required argument host`,
				`testdata/bad/host_port.yaml:15: services.empty: missing required argument port`,
				`testdata/bad/host_port.yaml:15: services.empty: missing required argument zk_hosts`,
				`testdata/bad/host_port.yaml:15: services.empty: missing required argument zk_path`,
			},
			warns: []string{
				`testdata/bad/host_port.yaml:2: defaults: unknown key`,
			},
		},
		{file: "checks.yaml",
			errs: []string{
				`testdata/bad/checks.yaml:9: services.web.checks[0]: missing required argument 'type' in check; valid types: base, exec, http, noop, rabbitmq, redis, tcp`,
				`testdata/bad/checks.yaml:10: services.web.checks[1].type: unknown check type "mysql"; valid types: base, exec, http, noop, rabbitmq, redis, tcp (module "nerve-watcher-mysql" cannot be loaded: check types are compiled into this nerve, there are no plugins)`,
				`testdata/bad/checks.yaml:13: services.web.checks[2]: missing required argument 'uri' in http check`,
				`testdata/bad/checks.yaml:15: services.web.checks[3].port: invalid port "x", want an integer 0-65535 (a number or a string of digits)`,
				`testdata/bad/checks.yaml:17: services.web.checks[4].rise: must not be negative, got -1`,
				`testdata/bad/checks.yaml:18: services.web.checks[4].fall: cannot use "abc" as an integer`,
				`testdata/bad/checks.yaml:19: services.web.checks[5]: empty check, want a mapping with at least a type`,
				`testdata/bad/checks.yaml:20: services.web.checks[6]: cannot use "http" as a mapping`,
				`testdata/bad/checks.yaml:21: services.web.checks[7]: missing required argument 'command' in exec check`,
				`testdata/bad/checks.yaml:24: services.web.checks[8].ssl: cannot use "maybe" as a boolean`,
				`testdata/bad/checks.yaml:31: services.mapping_checks.checks: cannot use a mapping as a list of checks`,
			},
		},
		{file: "payload_kinds.yaml",
			errs: []string{
				`testdata/bad/payload_kinds.yaml:8: services.web.haproxy_server_options: must be a string, got a mapping`,
				`testdata/bad/payload_kinds.yaml:9: services.web.labels: must be a mapping, got a list`,
				`testdata/bad/payload_kinds.yaml:15: services.nan.labels.ratio: cannot use ".nan" in a JSON payload: registration: NaN is not allowed in JSON`,
			},
		},
		{file: "top_level.yaml",
			errs: []string{
				`testdata/bad/top_level.yaml:1: instance_id: cannot use a list as a string`,
				`testdata/bad/top_level.yaml:2: max_repeated_report_failures: must be at least 1, got 0`,
				`testdata/bad/top_level.yaml:3: heartbeat_path: cannot use a mapping as a string`,
				`testdata/bad/top_level.yaml:4: statsd.port: must be a port number 1-65535, got 0`,
				`testdata/bad/top_level.yaml:7: prometheus.port: must be a port number 0-65535, got 99999`,
				`testdata/bad/top_level.yaml:8: prometheus.histogram_buckets_zk: buckets must be in increasing order, got 0.5 after 1`,
				`testdata/bad/top_level.yaml:9: prometheus.histogram_buckets_main_loop: must list at least one bucket`,
				`testdata/bad/top_level.yaml:10: services: cannot use a list as a mapping of services`,
			},
		},
		{file: "load_test.yaml",
			errs: []string{
				`testdata/bad/load_test.yaml:8: services.negative.load_test_concurrency: must be a number of copies from 0 to 10000, got -1`,
				`testdata/bad/load_test.yaml:9: services.null.load_test_concurrency: must be a number of copies, got null`,
				`testdata/bad/load_test.yaml:10: services.word.load_test_concurrency: cannot use "two" as an integer`,
				`testdata/bad/load_test.yaml:12: services.web_1: service name is used twice: "web_1" (as a service and as a load_test_concurrency copy)`,
				`testdata/bad/load_test.yaml:13: services.huge.load_test_concurrency: must be a number of copies from 0 to 10000, got 1000000`,
			},
			warns: []string{
				`testdata/bad/load_test.yaml:2: defaults: unknown key`,
			},
		},
		{file: "durations.yaml",
			errs: []string{
				`testdata/bad/durations.yaml:8: services.word.check_interval: invalid duration "soon": want seconds (2, 0.2) or a duration string ("250ms")`,
				`testdata/bad/durations.yaml:9: services.negative.check_interval: invalid duration "-1": must not be negative`,
				`testdata/bad/durations.yaml:12: services.check_timeout.checks[0].timeout: invalid duration "-0.5": must not be negative`,
			},
			warns: []string{
				`testdata/bad/durations.yaml:2: defaults: unknown key`,
			},
		},
		{file: "no_dir.yaml",
			errs: []string{
				`testdata/bad/no_dir.yaml:2: service_conf_dir: service conf dir does not exist: CWD/testdata/bad/does-not-exist`,
			},
		},
		{file: "missing.yaml",
			errs: []string{
				`testdata/bad/missing.yaml: config file does not exist`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, ws, err := Load(LoadOptions{Path: "testdata/bad/" + tc.file, Env: noEnv})
			for i := range tc.errs {
				tc.errs[i] = strings.ReplaceAll(tc.errs[i], "CWD", cwd)
			}
			equalLines(t, "errors", errLines(err), tc.errs, "")
			equalLines(t, "warnings", warnLines(ws), tc.warns, "")
		})
	}
}
