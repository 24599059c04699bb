package backoff

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends (then it returns ctx's error): the wait
// every retry and poll loop does between tries.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
