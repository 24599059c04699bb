package haproxy

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunTimesOutOnSilentSocket(t *testing.T) {
	f := newFakeSocket(t, nil)
	c := New(f.path, WithTimeout(100*time.Millisecond))
	start := time.Now()
	_, err := c.Run(context.Background(), "show info")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), f.path) {
		t.Fatalf("err = %v, want a deadline error naming the socket", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s for a 100ms timeout", d)
	}
}

func TestRunHonoursContext(t *testing.T) {
	f := newFakeSocket(t, nil)
	c := New(f.path, WithTimeout(0))
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			if _, err := c.Run(ctx, "show stat"); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestRunMissingSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nothing.sock")
	_, err := New(path).Run(context.Background(), "show info")
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "dial") {
		t.Fatalf("err = %v, want a dial error naming %s", err, path)
	}
}

func TestRunSendsOneLineAndChecksAnswer(t *testing.T) {
	f := newFakeSocket(t, fakeHAProxy26(map[string]string{
		"disable server app/nosuch": "No such server.\n",
		"show info":                 "Name: HAProxy\nVersion: 2.6.12\nPid: 7\n",
	}))
	c := New(f.path)
	answer, err := c.Run(context.Background(), "disable server app/nosuch")
	var ce *CommandError
	if !errors.As(err, &ce) || !errors.Is(err, ErrNoSuchServer) || ce.Command != "disable server app/nosuch" || answer != "No such server." {
		t.Fatalf("answer %q, err %v; want a CommandError for No such server.", answer, err)
	}
	info, err := c.ShowInfo(context.Background())
	if err != nil || info.PID != 7 || !info.Version.AtLeast(2, 6) {
		t.Fatalf("ShowInfo = %+v, %v", info, err)
	}
	if got := f.lines(); len(got) != 2 || got[1] != "show info" {
		t.Fatalf("socket saw %q, want one line per call", got)
	}
}

func TestInvalidCommandIsNotSent(t *testing.T) {
	f := newFakeSocket(t, fakeHAProxy26(nil))
	c := New(f.path)
	for _, cmd := range []string{"", "  ", "show stat\nshow info", "disable server a/b;enable server a/b", `set server a/b agent-send x\`} {
		if _, err := c.Run(context.Background(), cmd); !errors.Is(err, ErrInvalidCommand) {
			t.Errorf("Run(%q) err = %v, want ErrInvalidCommand", cmd, err)
		}
		if _, err := c.Exec(context.Background(), "show info", cmd); !errors.Is(err, ErrInvalidCommand) {
			t.Errorf("Exec(.., %q) err = %v, want ErrInvalidCommand", cmd, err)
		}
	}
	if got := f.lines(); len(got) != 0 {
		t.Fatalf("socket saw %q, want nothing", got)
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a;b", `a\;b`},
		{`a\b`, `a\\b`},
		{`\;`, `\\\;`},
		{"with space", "with space"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := Escape(tc.in)
			if got != tc.want {
				t.Fatalf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if err := validateCommand("set server b/s agent-send " + got); err != nil {
				t.Fatalf("escaped value rejected: %v", err)
			}
		})
	}
}
