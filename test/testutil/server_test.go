package testutil

import (
	"errors"
	"testing"
)

func TestRetryBindRace(t *testing.T) {
	lost := errors.New("lost the race")
	for _, tc := range []struct {
		name      string
		failUntil int  // attempts before this one fail
		retry     bool // a failure asks for a retry
		attempts  int
		ok        bool
	}{
		{"first attempt", 1, true, 1, true},
		{"one lost race", 2, true, 2, true},
		{"gives up after startAttempts", 99, true, startAttempts, false},
		{"no retry on another failure", 99, false, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attempts := 0
			got, err := retryBindRace(func(attempt int) (*int, bool, error) {
				attempts++
				if attempt != attempts {
					t.Fatalf("attempt %d, want %d", attempt, attempts)
				}
				if attempt < tc.failUntil {
					return nil, tc.retry, lost
				}
				return &attempt, false, nil
			})
			if attempts != tc.attempts || (err == nil) != tc.ok || (got != nil) != tc.ok {
				t.Fatalf("%d attempts, %v, %v; want %d attempts, ok %v", attempts, got, err, tc.attempts, tc.ok)
			}
		})
	}
}

func TestBindRace(t *testing.T) {
	for log, want := range map[string]bool{
		"java.net.BindException: Address already in use":                    true,
		`{"msg":"listen tcp 127.0.0.1:2379: bind: address already in use"}`: true,
		"failed to start ranch listener: eaddrinuse":                        true,
		"# Warning: Could not create server TCP listening socket":           false,
	} {
		if got := bindRace(log); got != want {
			t.Errorf("bindRace(%q) = %v, want %v", log, got, want)
		}
	}
}
