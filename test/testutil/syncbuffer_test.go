package testutil

import (
	"strings"
	"sync"
	"testing"
)

func TestSyncBuffer(t *testing.T) {
	var b SyncBuffer
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				b.Logger().Debug("tick")
			}
		})
	}
	wg.Wait()
	if n := b.Count("msg=tick"); n != 100 {
		t.Fatalf("Count = %d, want 100 debug records:\n%s", n, b.String())
	}
	if !strings.Contains(b.String(), "level=DEBUG") {
		t.Fatalf("no debug level in %q", b.String())
	}
}
