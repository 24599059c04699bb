package exec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func decoder(src string) check.Decoder {
	return func(into any) error { return yaml.Unmarshal([]byte(src), into) }
}

func build(t *testing.T, yamlSrc string, timeout time.Duration) check.Check {
	t.Helper()
	c, err := check.New(check.Common{Type: "exec", Service: "web", Host: "127.0.0.1", Port: 8080, Timeout: timeout},
		decoder("type: exec\n"+yamlSrc))
	if err != nil {
		t.Fatalf("new exec check: %v", err)
	}
	return c
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"true is healthy", "command: [true]", ""},
		{"false is unhealthy", "command: [false]", `exec check "false": exit status 1; output: ""`},
		{"string runs through the shell", "command: 'test 1 -eq 1 && exit 0'", ""},
		{"shell exit status", "command: exit 3", `exec check "exit 3": exit status 3`},
		{"argv is not split by a shell", `command: [/bin/sh, -c, 'test "$0" = "a b"', "a b"]`, ""},
		{"argv items taken as written", `command: [/bin/sh, -c, 'test "$0 $1" = "5 0x1F"', 5, 0x1F]`, ""},
		{"output captured in order", "command: [/bin/sh, -c, 'echo to-out; echo to-err >&2; exit 1']",
			`exit status 1; output: "to-out\nto-err\n"`},
		{"service, host and port in the environment",
			`command: 'test "$NERVE_SERVICE:$NERVE_HOST:$NERVE_PORT" = web:127.0.0.1:8080'`, ""},
		{"missing program", "command: [/no/such/program]", "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := build(t, tc.yaml, 5*time.Second).Check(context.Background())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want healthy, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestOutputBounded(t *testing.T) {
	err := build(t, `command: 'head -c 100000 /dev/zero | tr "\0" x; echo last words; exit 1'`, 5*time.Second).
		Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), `(earlier output dropped) "xxx`) ||
		!strings.HasSuffix(err.Error(), `last words\n"`) {
		t.Fatalf("got %.200v, want the tail of the output", err)
	}
	if n := len(err.Error()); n > maxOutput+200 {
		t.Fatalf("error is %d bytes, want the output bounded to %d", n, maxOutput)
	}
}

// gone waits until the process whose pid was written to file is dead. A
// zombie counts: reaping an orphan is init's business, and it can be slow.
func gone(t *testing.T, file string) {
	t.Helper()
	var pid int
	testutil.Eventually(t, 2*time.Second, func() error {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err
	})
	testutil.Eventually(t, 5*time.Second, func() error {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		// The state follows the parenthesised command name.
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && strings.HasPrefix(string(stat[i:]), ") Z") {
			return nil
		}
		return fmt.Errorf("background process %d still running: %s", pid, stat)
	})
}

func TestTimeoutKillsProcessGroup(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pid")
	c := build(t, "command: 'sleep 30 & echo $! > "+pidfile+"; echo started; wait'", 300*time.Millisecond)
	start := time.Now()
	err := c.Check(context.Background())
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("check took %s, want the 300ms timeout to kill it", elapsed)
	}
	if err == nil || !strings.Contains(err.Error(), `timed out after 300ms, process group killed; output: "started\n"`) {
		t.Fatalf("got %v, want a timeout error with the output", err)
	}
	gone(t, pidfile)
}

func TestLeftoversKilledAfterSuccess(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pid")
	// The background sleep keeps stdout open: the check must not wait for it.
	c := build(t, "command: 'sleep 30 & echo $! > "+pidfile+"'", 5*time.Second)
	start := time.Now()
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("want healthy, got %v", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("check took %s, it waited for a background process", elapsed)
	}
	gone(t, pidfile)
}

func TestContextCancels(t *testing.T) {
	c := build(t, "command: [sleep, '30']", time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Check(ctx)
	if err == nil || strings.Contains(err.Error(), "timed out after") {
		t.Fatalf("got %v, want an error that is not the check's own timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("check ignored ctx: took %s", elapsed)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"missing", "rise: 1", "missing required argument 'command' in exec check"},
		{"empty string", "command: ' '", "missing required argument 'command' in exec check"},
		{"empty list", "command: []", "missing required argument 'command' in exec check"},
		{"null in argv", "command: [sleep, ~]", "exec check: command[1] must be a string"},
		{"list in argv", "command: [sleep, [1]]", "exec check: command[1] must be a string"},
		{"empty program", "command: ['', x]", `exec check: command[0] must name a program, got ""`},
		{"mapping", "command: {a: b}", "exec check: command must be a string or a list of strings"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(check.Common{Type: "exec"}, decoder(tc.yaml))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
