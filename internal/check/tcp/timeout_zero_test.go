package tcp

import (
	"context"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// timeout: 0 is the original's "no limit" (Ruby's Timeout.timeout(0)): the
// connect is bounded by ctx (the round's deadline) alone, never failed at once.
func TestZeroTimeoutMeansNoLimit(t *testing.T) {
	c, err := New(common("127.0.0.1", listen(t, "tcp4", "127.0.0.1:0"), 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("timeout 0 against a listening port: %v", err)
	}
	c, err = New(common("127.0.0.1", testutil.BlackholePort(t), 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Check(ctx); err == nil {
		t.Fatal("want an error once ctx expires")
	}
	// Longer than the 100ms default, so no hidden timeout cut it short, and
	// ended by ctx.
	if d := time.Since(start); d < 250*time.Millisecond || d > 2*time.Second {
		t.Fatalf("check took %s, want about the 300ms ctx deadline", d)
	}
}
