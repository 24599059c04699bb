package testutil

import (
	"errors"
	"strings"
	"testing"
)

// startServer starts a server for one test with start, in a temp dir, and
// stops it by PID on cleanup, first logging the end of its log if the test
// failed: the log says why a server misbehaved. See requireServer for when
// it skips or fails.
func startServer[S server](t testing.TB, what string, installed func() error, start func(dir string) (S, error)) S {
	t.Helper()
	requireServer(t, what, installed)
	s, err := start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s log:\n%s", what, s.LogTail())
		}
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// requireServer skips under -short, which starts no servers, and fails,
// never skips, when installed says the server is missing: a missing
// dependency must not pass for a green run.
func requireServer(t testing.TB, what string, installed func() error) {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: skipping a test that starts %s", what)
	}
	if err := installed(); err != nil {
		t.Fatal(err)
	}
}

// server is what the helpers need of a server process they started.
type server interface {
	LogTail() string
	Stop() error
}

// startAttempts bounds retryBindRace: one lost race is expected now and
// then, three in a row mean something else is wrong.
const startAttempts = 3

// retryBindRace calls start with attempts 1, 2, … until it succeeds, again
// only while it asks to retry: a port freePort picked can be taken by
// someone else before the server binds it, and fresh ports fix that.
func retryBindRace[S any](start func(attempt int) (s S, retry bool, err error)) (S, error) {
	var (
		s     S
		retry bool
		err   error
	)
	for attempt := 1; attempt <= startAttempts; attempt++ {
		if s, retry, err = start(attempt); err == nil || !retry {
			break
		}
	}
	return s, err
}

// giveUp stops a server that did not come up, saying whether its log
// blames a lost bind race (worth a retry on fresh ports).
func giveUp(s server, err error) (retry bool, _ error) {
	retry = bindRace(s.LogTail())
	return retry, errors.Join(err, s.Stop())
}

// bindRace reports whether a server's log says a port was taken, in the
// words of the JVM and redis ("Address already in use"), etcd (the same in
// lower case) or Erlang (eaddrinuse).
func bindRace(log string) bool {
	l := strings.ToLower(log)
	return strings.Contains(l, "address already in use") || strings.Contains(l, "eaddrinuse")
}
