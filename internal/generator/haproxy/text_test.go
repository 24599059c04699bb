package haproxy

import (
	"os"
	"strings"
	"testing"
	"time"
)

// An update that changes no line of the config neither joins nor writes
// its text (3.4 MB at 50,000 servers); one that changes a line writes it
// from the lines, the same bytes as the joined text. The generator keeps
// the config once: as the last generation's lines, which the live file's
// memory shares.
func TestUnchangedUpdateKeepsText(t *testing.T) {
	clock := newFakeClock()
	g, cfg := writeGenerator(t, clock, nil)
	s, other := svc(g, t, "svc", "port: 3000", live("", "a", 1)), svc(g, t, "other", "port: 3001", live("", "c", 3))
	mustUpdate(t, g, s, other)
	before := g.lastText()
	file, _ := os.ReadFile(cfg.ConfigFilePath)
	clock.advance(time.Hour)
	mustUpdate(t, g, s, other)
	if again, _ := os.ReadFile(cfg.ConfigFilePath); g.last.Text != "" || string(again) != string(file) {
		t.Errorf("unchanged config joined or written again")
	}
	keptOnce := func(step string) {
		t.Helper()
		if g.last.Text != "" || g.live.text != "" || g.live.res != g.last {
			t.Errorf("%s: config text kept more than once", step)
		}
	}
	keptOnce("unchanged")
	// A file changed behind synapse's back is rewritten from the same
	// lines; the text read from it then goes.
	if err := os.WriteFile(cfg.ConfigFilePath, []byte("# edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, g, s, other)
	if text, _ := os.ReadFile(cfg.ConfigFilePath); !strings.HasSuffix(string(text), before) {
		t.Errorf("edited file not rewritten:\n%s", text)
	}
	keptOnce("edited")
	mustUpdate(t, g, svc(g, t, "svc", "port: 3000", live("", "a", 1), live("", "b", 2)), other)
	text, err := os.ReadFile(cfg.ConfigFilePath)
	if err != nil {
		t.Fatal(err)
	}
	joined := *g.last
	joined.Join()
	if joined.Text != string(text) || !strings.Contains(g.lastText(), "\tserver b:2 b:2") || !strings.HasSuffix(string(text), g.lastText()) {
		t.Errorf("changed config not written as joined:\n%s\njoined:\n%s", text, joined.Text)
	}
	keptOnce("changed")
}
