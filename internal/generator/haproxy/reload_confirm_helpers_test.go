package haproxy

import (
	"errors"
	"testing"

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
