package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/cliutil"
)

// -k accepts every nerve example config shipped with the project. The
// examples name service_conf_dir relative to the config package, as the
// original resolves it against the working directory.
func TestCheckConfigExamples(t *testing.T) {
	t.Chdir("../config")
	var paths []string
	for _, pattern := range []string{"testdata/example/*.json", "testdata/example/*.yaml", "../../../configs/nerve*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 2 {
		t.Fatalf("found only %q", paths)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			wantRun(t, env{}, cliutil.ExitOK, ok, "-k", "-c", p)
		})
	}
}

// The broken config: every problem at once, one line each naming
// the file, line, key path and value; the unknown key is a warning.
func TestCheckConfigBroken(t *testing.T) {
	t.Chdir("../config")
	code, out, errOut := runCLI(t, env{}, "-k", "-c", "testdata/broken/nerve.yaml")
	if code != cliutil.ExitConfig {
		t.Fatalf("exit %d, want %d\n%s%s", code, cliutil.ExitConfig, out, errOut)
	}
	want := []string{
		"warning: testdata/broken/nerve.yaml:10: services.web.chek_interval: unknown key (did you mean check_interval?)",
		"nerve: config error: testdata/broken/nerve.yaml: instance_id: you need to specify required argument instance_id",
		"nerve: config error: testdata/broken/nerve.yaml:7: services.web: missing required argument port",
		`nerve: config error: testdata/broken/nerve.yaml:16: services.api.weight: invalid 'weight' argument in service data: "-1", want a non-negative integer`,
		`nerve: config error: testdata/broken/nerve.yaml:20: services.api.checks[0].type: unknown check type "htpp"; valid types: base, exec, http, noop, rabbitmq, redis, tcp`,
		"nerve: config error: testdata/broken/services/worker.yaml:2: not valid yaml: mapping values are not allowed in this context",
	}
	// Problems go to stderr, so a script can keep the verdict apart.
	got := strings.Split(strings.TrimSpace(errOut), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if out != "" {
		t.Errorf("stdout: %q", out)
	}
}
