package testutil

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// SyncBuffer collects what a server or a library's goroutines write (a
// daemon's output, a logger's records) while the test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Count is how often substr was written, for a test that asserts how often
// something was logged.
func (s *SyncBuffer) Count(substr string) int { return strings.Count(s.String(), substr) }

// Logger writes every record, debug included, into s: a test asserts on
// the records or prints them when it fails.
func (s *SyncBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(s, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
