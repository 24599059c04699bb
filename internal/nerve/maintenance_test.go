package nerve

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSpoolFileFormat(t *testing.T) {
	exp := time.Date(2026, 12, 7, 4, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, file string
		want       spoolEntry
	}{
		{"empty, from touch", "", spoolEntry{}},
		{"plain reason", "deploy 1234\n", spoolEntry{Reason: "deploy 1234"}},
		{"old hacheck, no newline", "db migration", spoolEntry{Reason: "db migration"}},
		{"hacheck JSON with expiry", `{"reason": "deploy", "expiration": 1796617800.0, "creation": 1796616000.5}`,
			spoolEntry{Reason: "deploy", Expires: exp, Created: time.UnixMilli(1796616000500).UTC()}},
		{"hacheck JSON without expiry", `{"reason": "x", "expiration": null, "creation": null}`, spoolEntry{Reason: "x"}},
		{"JSON without reason is a plain reason", `{"why": "x"}`, spoolEntry{Reason: `{"why": "x"}`}},
		{"JSON string is a plain reason", `"quoted"`, spoolEntry{Reason: `"quoted"`}},
		{"broken JSON is a plain reason", `{"reason": `, spoolEntry{Reason: `{"reason":`}},
		{"reason of the wrong type", `{"reason": 5}`, spoolEntry{Reason: `{"reason": 5}`}},
		{"absurd expiry is clamped", `{"reason": "r", "expiration": 1e300}`, spoolEntry{Reason: "r", Expires: time.UnixMilli(1 << 40 * 1000).UTC()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseSpoolFile([]byte(tc.file))
			if got.Reason != tc.want.Reason || !got.Expires.Equal(tc.want.Expires) || !got.Created.Equal(tc.want.Created) {
				t.Errorf("parse %q = %+v, want %+v", tc.file, got, tc.want)
			}
		})
	}
}

func TestSpoolFileRoundTrip(t *testing.T) {
	created := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	plain, _ := formatSpoolFile(spoolEntry{Reason: "deploy", Created: created})
	if string(plain) != "deploy\n" {
		t.Errorf("without expiry: %q, want the plain reason every reader knows", plain)
	}
	e := spoolEntry{Reason: `say "hi"`, Expires: created.Add(30 * time.Minute), Created: created}
	b, err := formatSpoolFile(e)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"reason":"say \"hi\"","expiration":1796617800,"creation":1796616000}` + "\n"; string(b) != want {
		t.Errorf("with expiry: %s, want hacheck's JSON %s", b, want)
	}
	if got := parseSpoolFile(b); got.Reason != e.Reason || !got.Expires.Equal(e.Expires) || !got.Created.Equal(created) {
		t.Errorf("round trip = %+v, want %+v", got, e)
	}
}

// An expired entry stops counting at its expiry, is removed with one log
// line, and a file rewritten meanwhile is left alone.
func TestSpoolExpiry(t *testing.T) {
	clock := &frozenClock{t: time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)}
	var logs bytes.Buffer
	s := spool{dir: t.TempDir(), now: clock.now, log: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := s.set("web", "deploy", clock.now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if m, ok := s.lookup("web"); !ok || m.Reason != "deploy" || m.Source != "web" || !m.Expires.Equal(clock.now().Add(time.Minute)) {
		t.Fatalf("before expiry: %+v, %v", m, ok)
	}
	clock.add(time.Minute)
	if m, ok := s.lookup("web"); ok {
		t.Fatalf("at expiry still down: %+v", m)
	}
	if _, err := os.Stat(filepath.Join(s.dir, "web")); !os.IsNotExist(err) {
		t.Errorf("expired file not removed: %v", err)
	}
	if n := strings.Count(logs.String(), "maintenance expired"); n != 1 {
		t.Errorf("%d expiry log lines, want 1:\n%s", n, logs.String())
	}

	// "all" expires too, and a service's own entry still holds it down.
	_ = s.set(spoolAll, "rack", clock.now().Add(time.Second))
	_ = s.set("web", "own", time.Time{})
	if m, _ := s.lookup("web"); m.Source != spoolAll {
		t.Errorf("all should win while it lasts: %+v", m)
	}
	clock.add(time.Second)
	if m, ok := s.lookup("web"); !ok || m.Source != "web" || m.Reason != "own" || !m.Expires.IsZero() {
		t.Errorf("after all expired: %+v, %v", m, ok)
	}

	// A rewrite between the read and the removal wins.
	p := filepath.Join(s.dir, "db")
	old, _ := formatSpoolFile(spoolEntry{Reason: "old", Expires: clock.now().Add(-time.Second)})
	_ = os.WriteFile(p, []byte("new down\n"), 0o644)
	s.expire(p, "db", old, parseSpoolFile(old))
	if b, err := os.ReadFile(p); err != nil || string(b) != "new down\n" {
		t.Errorf("a rewritten file was removed: %q, %v", b, err)
	}
}
