package haproxy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// settleReload waits until the reload g ran last is confirmed or counted
// as failed, as Tick would find out.
func settleReload(t testing.TB, g *Generator) {
	t.Helper()
	testutil.Eventually(t, integrationTimeout, func() error {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.checkReload(t.Context(), reloadTickWait)
		if g.confirm != nil {
			return errors.New("reload neither confirmed nor failed yet")
		}
		return nil
	})
}

// reloadOnceFreed waits until HAProxy has rejected the reload (it retries
// a taken bind for a while before it gives up), frees the port and ticks
// past the backoff until the retried reload is no longer pending. advance
// is how far each tick moves the clock.
func reloadOnceFreed(t *testing.T, r *realSetup, taken io.Closer, advance time.Duration) {
	t.Helper()
	testutil.Eventually(t, integrationTimeout, func() error {
		if log, _ := os.ReadFile(r.h.LogPath); !strings.Contains(string(log), "Loading failure") {
			return fmt.Errorf("HAProxy did not reject the reload:\n%s", log)
		}
		return nil
	})
	taken.Close()
	testutil.Eventually(t, integrationTimeout, func() error {
		r.clock.advance(advance) // past the backoff
		if err := r.g.Tick(t.Context()); err != nil {
			return err
		}
		if p := r.g.PendingReload(); p != nil {
			return fmt.Errorf("reload still pending: %q", p)
		}
		return nil
	})
}
