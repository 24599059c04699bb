package zk

import (
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
)

// Dial attempts that waited out their connect timeout are retried after
// the minimum pause when the pool asks for it (nerve: a nerve started
// before its ensemble registers within about a second of the ensemble
// coming up); attempts that fail at once back off.
func TestNextDialPause(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		name          string
		used          int // delays already taken: the next is 1 s doubled this often
		took          time.Duration
		soonAfterWait bool
		want          time.Duration
	}{
		{"waited attempt", 3, 5 * s, true, s},
		{"fast failure keeps the backoff", 2, time.Millisecond, true, 4 * s},
		{"waited after fast ones", 6, s, true, s},
		{"without the option a waited attempt backs off", 3, 5 * s, false, 8 * s},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := backoff.Doubling{Min: s, Max: 10 * s}
			for range tc.used {
				b.Next()
			}
			if got := nextDial(&b, tc.soonAfterWait, tc.took); got != tc.want {
				t.Fatalf("nextDial after %d delays, took %s = %s, want %s", tc.used, tc.took, got, tc.want)
			}
		})
	}
}
