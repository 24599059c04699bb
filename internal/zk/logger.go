package zk

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// slogPrintf adapts go-zookeeper's Printf logger to slog. Most of what the
// library says repeats on every reconnect attempt ("failed to connect to",
// "recv loop terminated") and the session tracker already logs each
// transition once, so that goes to Debug. Errors that nothing else reports
// (auth resend, lost watches after a reconnect) go to Warn.
type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	level := slog.LevelDebug
	lower := strings.ToLower(msg)
	if strings.Contains(lower, "error") || strings.Contains(lower, "previous watches") {
		level = slog.LevelWarn
	}
	l.log.Log(context.Background(), level, msg, "component", "go-zookeeper")
}

func discardLogger() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}
