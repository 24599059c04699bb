package testutil

import (
	"fmt"
	"log/slog"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// DialZooKeeper connects a plain client to addrs and waits for its session,
// so the caller's first request does not pay for it. The library's
// reconnect chatter goes to slog at debug level. For programs (bench,
// soak); tests have their own helpers that fail the test.
func DialZooKeeper(addrs []string) (*gozk.Conn, error) {
	zc, events, err := gozk.Connect(addrs, 10*time.Second, gozk.WithLogger(debugLogger{}))
	if err != nil {
		return nil, fmt.Errorf("connect zookeeper: %w", err)
	}
	deadline := time.After(15 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == gozk.StateHasSession {
				go func() { // the library blocks if its event channel is not read
					for range events {
					}
				}()
				return zc, nil
			}
		case <-deadline:
			zc.Close()
			return nil, fmt.Errorf("connect zookeeper %v: no session after 15s", addrs)
		}
	}
}

type debugLogger struct{}

func (debugLogger) Printf(format string, args ...any) { slog.Debug(fmt.Sprintf(format, args...)) }
