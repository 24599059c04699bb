package cliutil

import (
	"bytes"
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestPrintProblems(t *testing.T) {
	var b bytes.Buffer
	PrintProblems(&b, "nerve", errors.Join(errors.New("f:1: a: bad"), errors.New("f:2: b: worse")))
	want := "nerve: config error: f:1: a: bad\nnerve: config error: f:2: b: worse\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}

func TestNewLogger(t *testing.T) {
	var b bytes.Buffer
	log, err := NewLogger("warn", "json", &b)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hidden")
	log.Warn("shown")
	if got := b.String(); !bytes.Contains(b.Bytes(), []byte(`"msg":"shown"`)) || bytes.Contains(b.Bytes(), []byte("hidden")) {
		t.Fatalf("log output %q", got)
	}
	if _, err := NewLogger("loud", "text", &b); err == nil {
		t.Fatal("bad level accepted")
	}
	if _, err := NewLogger("info", "xml", &b); err == nil {
		t.Fatal("bad format accepted")
	}
}

func TestExecuteExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{{nil, ExitOK}, {CodeError{Code: 7}, 7}, {errors.New("boom"), ExitError}} {
		cmd := &cobra.Command{RunE: func(*cobra.Command, []string) error { return tc.err }, SilenceErrors: true, SilenceUsage: true}
		var stderr bytes.Buffer
		if got := Execute(cmd, "x", nil, &stderr); got != tc.want {
			t.Fatalf("err %v: exit %d, want %d", tc.err, got, tc.want)
		}
	}
}

// A SIGHUP to the process becomes one reload request; SIGTERM ends fn's
// context. Real signals to our own PID: the handler is what is tested.
func TestRunDaemonSignals(t *testing.T) {
	got := make(chan string, 4)
	err := RunDaemon(context.Background(), func(ctx context.Context, reload <-chan struct{}) error {
		_ = syscall.Kill(syscall.Getpid(), syscall.SIGHUP)
		select {
		case <-reload:
			got <- "reload"
		case <-time.After(5 * time.Second):
			return errors.New("no reload after SIGHUP")
		}
		_ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
		select {
		case <-ctx.Done():
			got <- "stopped"
		case <-time.After(5 * time.Second):
			return errors.New("context not cancelled by SIGTERM")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := <-got, <-got; a != "reload" || b != "stopped" {
		t.Fatalf("got %s, %s", a, b)
	}
}
