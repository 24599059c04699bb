package poll

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestStatus(t *testing.T) {
	notYet := errors.New("not polled yet")
	s := NewStatus(notYet)
	if err := s.Ping(context.Background()); err != notYet {
		t.Fatalf("Ping before a round = %v, want %v", err, notYet)
	}
	boom := errors.New("boom")
	for i, step := range []struct{ set, wantPrev error }{
		{boom, nil}, // the first round has no previous one
		{boom, boom},
		{nil, boom},
		{nil, nil},
	} {
		if prev := s.Set(step.set); prev != step.wantPrev {
			t.Errorf("step %d: Set(%v) = %v, want %v", i, step.set, prev, step.wantPrev)
		}
		if err := s.Ping(context.Background()); err != step.set {
			t.Errorf("step %d: Ping = %v, want %v", i, err, step.set)
		}
	}
}

// A streak of failures is one warning, debug lines, and one recovery.
func TestStreakLogsTransitions(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropTime(a) },
	}))
	s := NewStreak(log, "ec2 poll", errors.New("not polled yet"))
	boom := errors.New("boom")
	s.Record(nil, "backends", 2) // a first success is no recovery
	s.Record(boom)
	s.Record(boom)
	s.Record(nil, "backends", 3)
	s.Record(nil, "backends", 3)
	want := strings.Join([]string{
		`level=WARN msg="ec2 poll failed; keeping the last good backends" err=boom`,
		`level=DEBUG msg="ec2 poll still failing" err=boom`,
		`level=INFO msg="ec2 poll recovered" backends=3`,
		``,
	}, "\n")
	if got := buf.String(); got != want {
		t.Fatalf("log\n%s\nwant\n%s", got, want)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping after a success = %v", err)
	}
}

// A failing first round starts a streak too.
func TestStreakFirstRoundFails(t *testing.T) {
	var buf bytes.Buffer
	s := NewStreak(slog.New(slog.NewTextHandler(&buf, nil)), "etcd discovery", nil)
	s.Record(errors.New("refused"))
	if !strings.Contains(buf.String(), `level=WARN msg="etcd discovery failed; keeping the last good backends" err=refused`) {
		t.Fatalf("log %q, want the warning", buf.String())
	}
}

func dropTime(a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
