package rabbitmq

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestTimeoutBoundsTheRound(t *testing.T) {
	c := build(t, testutil.SilentListener(t), "", 200*time.Millisecond)
	start := time.Now()
	err := c.Check(context.Background())
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the timeout", err)
	}
	if elapsed < 190*time.Millisecond || elapsed > 2*time.Second {
		t.Fatalf("failed after %s, want about the 200ms timeout", elapsed)
	}
}

func TestContextCancels(t *testing.T) {
	c := build(t, testutil.SilentListener(t), "", time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := c.Check(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ctx's cancellation", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("check ignored ctx: took %s", elapsed)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name, yaml string
		port       int
		user, pass string
		wantErr    string
	}{
		{"defaults", "", 5672, "guest", "guest", ""},
		{"configured", "username: nerve\npassword: s3cret", 5672, "nerve", "s3cret", ""},
		{"null keeps the default", "username: ~", 5672, "guest", "guest", ""},
		{"missing port", "", 0, "", "", "missing required argument 'port' in rabbitmq check"},
		{"wrong type", "username: [a]", 5672, "", "", "rabbitmq check: yaml: unmarshal errors"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(check.Common{Type: "rabbitmq", Host: "127.0.0.1", Port: tc.port}, decoder(tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := c.(*Check)
			if r.username != tc.user || r.password != tc.pass {
				t.Fatalf("credentials %s/%s, want %s/%s", r.username, r.password, tc.user, tc.pass)
			}
		})
	}
}
