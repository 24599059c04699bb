package testutil

import (
	"errors"
	"net"
	"strconv"
	"testing"
	"time"
)

func TestPollReturnsLastError(t *testing.T) {
	calls := 0
	err := Poll(30*time.Millisecond, func() error {
		calls++
		return errors.New("not yet")
	})
	if err == nil || err.Error() != "not yet" {
		t.Fatalf("got %v, want the condition's error", err)
	}
	if calls < 2 {
		t.Fatalf("cond called %d times, want it polled", calls)
	}
}

func TestPollSucceeds(t *testing.T) {
	n := 0
	if err := Poll(time.Second, func() error {
		n++
		if n < 3 {
			return errors.New("wait")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("cond called %d times, want 3", n)
	}
}

func TestFreePortIsBindable(t *testing.T) {
	p := FreePort(t)
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		t.Fatalf("port %d not bindable: %v", p, err)
	}
	l.Close()
}
