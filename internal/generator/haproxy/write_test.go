package haproxy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
)

func writeGenerator(t *testing.T, clock *fakeClock, edit func(*Config)) (*Generator, *Config) {
	t.Helper()
	cfg := baseConfig()
	cfg.DoWrites = true
	cfg.ConfigFilePath = filepath.Join(t.TempDir(), "haproxy.cfg")
	if edit != nil {
		edit(cfg)
	}
	return newTestGenerator(t, cfg, clock), cfg
}

// A changed config is written through the candidate
// <config_file_path>.tmp and renamed; an unchanged one (even with a new
// timestamp) is not touched at all.
func TestWriteOnlyWhenChanged(t *testing.T) {
	clock := newFakeClock()
	g, cfg := writeGenerator(t, clock, nil)
	s := svc(g, t, "svc", "port: 3000", live("", "a", 1))
	mustUpdate(t, g, s)
	first, err := os.ReadFile(cfg.ConfigFilePath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(first), "\tserver a:1 a:1 id 1 cookie a:1 \n") {
		t.Errorf("config lacks the server line:\n%s", first)
	}
	if _, err := os.Stat(cfg.ConfigFilePath + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("candidate left behind: %v", err)
	}
	old := time.Unix(1e9, 0)
	if err := os.Chtimes(cfg.ConfigFilePath, old, old); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Hour)
	mustUpdate(t, g, s)
	second, _ := os.ReadFile(cfg.ConfigFilePath)
	fi, _ := os.Stat(cfg.ConfigFilePath)
	if string(second) != string(first) || !fi.ModTime().Equal(old) {
		t.Errorf("unchanged config rewritten (mtime %v)", fi.ModTime())
	}
	mustUpdate(t, g, svc(g, t, "svc", "port: 3000", live("", "a", 1), live("", "b", 2)))
	third, _ := os.ReadFile(cfg.ConfigFilePath)
	if !strings.Contains(string(third), "server b:2") || !strings.Contains(string(third), "2020-11-09 14:03:34 -0800") {
		t.Errorf("changed config not written:\n%s", third)
	}
}

// do_writes false writes nothing.
func TestNoWrites(t *testing.T) {
	g, cfg := writeGenerator(t, newFakeClock(), func(c *Config) { c.DoWrites = false })
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1)))
	if _, err := os.Stat(cfg.ConfigFilePath); !os.IsNotExist(err) {
		t.Errorf("config written with do_writes false: %v", err)
	}
}

// A failing check keeps the live file and the
// candidate; it is not re-run for the same config; a passing one installs.
func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	verdict := filepath.Join(dir, "verdict")
	runs := filepath.Join(dir, "runs")
	g, cfg := writeGenerator(t, newFakeClock(), func(c *Config) {
		c.DoChecks = true
		c.CandidateConfigFilePath = filepath.Join(dir, "candidate.cfg")
		c.CheckCommand = "echo run >> " + runs + "; echo 'haproxy says no' >&2; exit $(cat " + verdict + ")"
	})
	if err := os.WriteFile(cfg.ConfigFilePath, []byte("live\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(verdict, []byte("1"), 0o644)
	s := svc(g, t, "svc", "{}", live("", "a", 1))
	for range 2 {
		err := g.Update(context.Background(), []generator.Service{s})
		if !errors.Is(err, errCheckFailed) && err != nil {
			t.Fatalf("update: %v", err)
		}
	}
	if b, _ := os.ReadFile(cfg.ConfigFilePath); string(b) != "live\n" {
		t.Errorf("live file replaced after a failed check: %q", b)
	}
	if _, err := os.Stat(cfg.CandidateConfigFilePath); err != nil {
		t.Errorf("candidate not kept for inspection: %v", err)
	}
	if b, _ := os.ReadFile(runs); strings.Count(string(b), "run") != 1 {
		t.Errorf("check ran %d times for one config, want 1", strings.Count(string(b), "run"))
	}
	os.WriteFile(verdict, []byte("0"), 0o644)
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1), live("", "b", 1)))
	if b, _ := os.ReadFile(cfg.ConfigFilePath); !strings.Contains(string(b), "server b:1") {
		t.Errorf("checked config not installed:\n%s", b)
	}
}

// Stale beats partial: a write that fails leaves the live file.
func TestWriteFailureKeepsLive(t *testing.T) {
	dir := t.TempDir()
	g, cfg := writeGenerator(t, newFakeClock(), func(c *Config) {
		c.CandidateConfigFilePath = filepath.Join(dir, "missing", "candidate.cfg")
	})
	os.WriteFile(cfg.ConfigFilePath, []byte("live\n"), 0o644)
	err := g.Update(context.Background(), []generator.Service{svc(g, t, "svc", "{}", live("", "a", 1))})
	if err == nil {
		t.Fatal("update reported no error for an impossible candidate path")
	}
	if b, _ := os.ReadFile(cfg.ConfigFilePath); string(b) != "live\n" {
		t.Errorf("live file changed: %q", b)
	}
}

// A render error (the original crashes) is returned and writes nothing.
func TestRenderErrorKeepsLive(t *testing.T) {
	g, cfg := writeGenerator(t, newFakeClock(), nil)
	err := g.Update(context.Background(), []generator.Service{svc(g, t, "svc", "server_options: maxconn 50%", live("", "a", 1))})
	if err == nil || !strings.Contains(err.Error(), "stray") {
		t.Fatalf("err = %v, want the template error", err)
	}
	if _, err := os.Stat(cfg.ConfigFilePath); !os.IsNotExist(err) {
		t.Errorf("config written: %v", err)
	}
}

// A candidate in another directory is still installed atomically.
func TestCandidateElsewhere(t *testing.T) {
	g, cfg := writeGenerator(t, newFakeClock(), func(c *Config) {
		c.CandidateConfigFilePath = filepath.Join(t.TempDir(), "cand.cfg")
	})
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1)))
	if b, _ := os.ReadFile(cfg.ConfigFilePath); !strings.Contains(string(b), "server a:1") {
		t.Errorf("config not installed:\n%s", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(cfg.ConfigFilePath))
	if len(entries) != 1 {
		t.Errorf("config dir holds %d files, want only haproxy.cfg", len(entries))
	}
}
