package nerve

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestSpoolListing(t *testing.T) {
	s := spool{dir: filepath.Join(t.TempDir(), "maint")} // absent at first
	if _, ok := s.lookup("web"); ok {
		t.Fatal("absent directory: in maintenance")
	}
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lookups := func() {
		for range 200 {
			if _, ok := s.lookup("web"); ok {
				t.Fatal("empty directory: in maintenance")
			}
		}
	}
	start := time.Now()
	lookups()
	if n := s.listing().listed; n > 1+int(time.Since(start)/listingRecheck) {
		t.Fatalf("200 lookups in %s listed the directory %d times, want once per %s at most", time.Since(start), n, listingRecheck)
	}

	// A file made by hand is seen within listingRecheck.
	if err := os.WriteFile(filepath.Join(s.dir, "web"), []byte("by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, func() error {
		if m, ok := s.lookup("web"); !ok || m.Reason != "by hand" {
			return errors.New("a touched file is not seen")
		}
		return nil
	})
	// Its content is read every round.
	if err := os.WriteFile(filepath.Join(s.dir, "web"), []byte("edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.lookup("web"); m.Reason != "edited" {
		t.Fatalf("reason %q after an edit in place, want edited", m.Reason)
	}

	// set and clear (the admin socket) are seen by the very next lookup.
	if err := s.set(spoolAll, "rack", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if m, ok := s.lookup("db"); !ok || m.Source != spoolAll {
		t.Fatalf("right after set all: %+v, %v", m, ok)
	}
	if err := s.clear(spoolAll); err != nil {
		t.Fatal(err)
	}
	if err := s.clear("web"); err != nil {
		t.Fatal(err)
	}
	if m, ok := s.lookup("web"); ok {
		t.Fatalf("right after clear: %+v", m)
	}
}
