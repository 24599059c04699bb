package haproxy

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The remembered text stands for the file only while the file is the one
// it came from: an edit in place or a file renamed over it is read again.
func TestLiveFileRereadsChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	var l liveFile
	if got, err := l.read(path); err != nil || got.text != "" {
		t.Fatalf("missing file: %q, %v", got.text, err)
	}
	if err := os.WriteFile(path, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	l.installed(path, liveConfig{text: "one"})
	if got, _ := l.read(path); got.text != "one" {
		t.Fatalf("installed file read as %q", got.text)
	}
	l.text = "remembered" // a read of the file would say "one"
	if got, _ := l.read(path); got.text != "remembered" {
		t.Fatalf("unchanged file re-read: %q", got.text)
	}
	for name, change := range map[string]func() error{
		"edited in place": func() error {
			if err := os.WriteFile(path, []byte("two"), 0o644); err != nil {
				return err
			}
			later := time.Now().Add(time.Hour)
			return os.Chtimes(path, later, later)
		},
		"replaced": func() error {
			tmp := path + ".new"
			if err := os.WriteFile(tmp, []byte("two"), 0o644); err != nil {
				return err
			}
			return os.Rename(tmp, path)
		},
	} {
		l.text = "remembered"
		if err := change(); err != nil {
			t.Fatal(err)
		}
		if got, _ := l.read(path); got.text != "two" {
			t.Errorf("%s: read %q, want the file's text", name, got.text)
		}
	}
}
