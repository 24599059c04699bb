package nerve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func waitSocket(t *testing.T, path string) {
	t.Helper()
	testutil.Eventually(t, 5*time.Second, func() error {
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		if fi.Mode().Type() != fs.ModeSocket {
			return fmt.Errorf("%s is %v", path, fi.Mode())
		}
		return nil
	})
}

// Maintenance over the admin socket takes one service out of rotation and
// back, leaving the others alone; the spool file outlives the daemon.
func TestAdminSocketMaintenance(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	slow := func(s ServiceSpec) ServiceSpec { s.CheckInterval = time.Hour; return s } // only a wake runs a round
	spool, sock := t.TempDir(), filepath.Join(t.TempDir(), "run", "nerve.sock")
	td := startDaemon(t, services(slow(f.spec("a", "1")), slow(f.spec("b", "1"))), func(o *Options) {
		o.MaintenanceDir, o.AdminSocket = spool, sock
	})
	want(t, f, "a@1 b@1")
	waitSocket(t, sock)
	c, ctx := admin.NewClient(sock), context.Background()

	if _, err := c.MaintenanceDown(ctx, "a", "deploy 1234", 0); err != nil {
		t.Fatal(err)
	}
	want(t, f, "b@1")
	if b, err := os.ReadFile(filepath.Join(spool, "a")); err != nil || string(b) != "deploy 1234\n" {
		t.Fatalf("spool file: %q, %v", b, err)
	}
	st, err := c.Status(ctx)
	if err != nil || len(st) != 2 || !st[0].Maintenance || st[0].Reported != "down" || st[1].Reported != "up" {
		t.Fatalf("status %+v, %v", st, err)
	}
	if _, err := c.MaintenanceUp(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	want(t, f, "a@1 b@1")
	if _, err := c.MaintenanceDown(ctx, admin.All, "", 0); err != nil {
		t.Fatal(err)
	}
	want(t, f, "")
	if _, err := c.MaintenanceUp(ctx, admin.All); err != nil {
		t.Fatal(err)
	}
	want(t, f, "a@1 b@1")

	td.stop()
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("socket left after shutdown: %v", err)
	}
}

// An unknown service is refused with the known names, and leaves no spool
// file; without a maintenance directory maintenance is unavailable.
func TestAdminSocketRefusals(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	spool, sock := t.TempDir(), filepath.Join(t.TempDir(), "nerve.sock")
	startDaemon(t, services(f.spec("b", "1"), f.spec("a", "1")), func(o *Options) {
		o.MaintenanceDir, o.AdminSocket = spool, sock
	})
	want(t, f, "a@1 b@1")
	waitSocket(t, sock)
	c, ctx := admin.NewClient(sock), context.Background()
	for _, svc := range []string{"anything", "a/b", "A"} {
		_, err := c.MaintenanceDown(ctx, svc, "x", 0)
		var unknown *admin.UnknownServiceError
		if !errors.As(err, &unknown) || strings.Join(unknown.Known, " ") != "a b" {
			t.Fatalf("%q: %v, want unknown service listing a b", svc, err)
		}
	}
	if files, _ := os.ReadDir(spool); len(files) != 0 {
		t.Fatalf("spool files for unknown services: %v", files)
	}
	want(t, f, "a@1 b@1")

	sock2 := filepath.Join(t.TempDir(), "nerve.sock")
	startDaemon(t, services(f.spec("c", "1")), func(o *Options) { o.AdminSocket = sock2 })
	waitSocket(t, sock2)
	if _, err := admin.NewClient(sock2).MaintenanceDown(ctx, "c", "", 0); !errors.Is(err, admin.ErrUnavailable) {
		t.Fatalf("maintenance without a spool: %v", err)
	}
}

// An explicitly configured socket that cannot be created stops the start;
// the default one (AdminSocketOptional) only warns. An unknown group is
// always an error.
func TestAdminSocketStartup(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(blocker, "nerve.sock") // its directory is a file
	f := &fleet{reps: map[string][]*fakeReporter{}}
	for _, tc := range []struct {
		name     string
		opts     func(o *Options)
		wantErr  string
		wantWarn string
	}{
		{"explicit", func(o *Options) { o.AdminSocket = bad }, "admin socket " + bad, ""},
		{"default", func(o *Options) { o.AdminSocket, o.AdminSocketOptional = bad, true }, "", "running without the admin socket"},
		{"group", func(o *Options) {
			o.AdminSocket, o.AdminSocketOptional, o.AdminGroup = filepath.Join(t.TempDir(), "s"), true, "no-such-group-xyz"
		}, `admin socket group "no-such-group-xyz"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs testutil.SyncBuffer
			opts := Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)),
				Load: func() (*Desired, error) { return services(f.spec(tc.name, "1")), nil }}
			tc.opts(&opts)
			d, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			err = d.Run(ctx, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Run = %v, want %q", err, tc.wantErr)
				}
				if n := f.created(tc.name + "@1"); n != 0 {
					t.Fatalf("a worker started before the socket failed")
				}
				return
			}
			if err != nil {
				t.Fatalf("Run = %v", err)
			}
			if f.created(tc.name+"@1") != 1 || strings.Count(logs.String(), tc.wantWarn) != 1 {
				t.Fatalf("want the service run and one %q warning:\n%s", tc.wantWarn, logs.String())
			}
		})
	}
}

// --for over the socket: the expiry is the daemon's clock plus the
// duration, stored in hacheck's format, shown in status; once the clock
// passes it the service is back without anyone asking.
func TestAdminSocketMaintenanceFor(t *testing.T) {
	clock := &frozenClock{t: time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)}
	f := &fleet{reps: map[string][]*fakeReporter{}}
	spool, sock := t.TempDir(), filepath.Join(t.TempDir(), "nerve.sock")
	startDaemon(t, services(f.spec("a", "1")), func(o *Options) {
		o.MaintenanceDir, o.AdminSocket, o.Clock = spool, sock, clock.now
	})
	want(t, f, "a@1")
	waitSocket(t, sock)
	c, ctx := admin.NewClient(sock), context.Background()
	res, err := c.MaintenanceDown(ctx, "a", "reboot", 30*time.Minute)
	if err != nil || res.Expires != "2026-12-07T04:30:00Z" {
		t.Fatalf("MaintenanceDown = %+v, %v", res, err)
	}
	want(t, f, "")
	if b, _ := os.ReadFile(filepath.Join(spool, "a")); !strings.Contains(string(b), `"expiration":1796617800`) {
		t.Errorf("spool file %s", b)
	}
	testutil.Eventually(t, 5*time.Second, func() error {
		if st, _ := c.Status(ctx); len(st) != 1 || st[0].MaintenanceExpires != res.Expires || st[0].MaintenanceReason != "reboot" {
			return fmt.Errorf("status %+v", st)
		}
		return nil
	})
	for _, bad := range []time.Duration{-time.Second, 31 * 24 * time.Hour} {
		_, err := c.MaintenanceDown(ctx, "a", "x", bad)
		if bad < 0 && err != nil {
			t.Errorf("a negative duration is no expiry, as 0: %v", err)
		}
		if bad > 0 && (err == nil || !strings.Contains(err.Error(), "at most 720h0m0s")) {
			t.Errorf("for %s: %v", bad, err)
		}
	}
	_, _ = c.MaintenanceDown(ctx, "a", "reboot", 30*time.Minute)
	clock.add(30 * time.Minute)
	want(t, f, "a@1")
	if _, err := os.Stat(filepath.Join(spool, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("expired spool file left: %v", err)
	}
}

// Status reads maintenance from the spool, so `maint status` shows a change
// at once even while the registry is unreachable and every round is
// skipped before it would look at maintenance.
func TestStatusShowsMaintenanceWhileDisconnected(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	spec := f.spec("a", "1")
	newRep := spec.NewReporter
	spec.NewReporter = func() (reporter.Reporter, error) {
		r, err := newRep()
		r.(*fakeReporter).pingErr = reporter.ErrNotConnected
		return r, err
	}
	spool, sock := t.TempDir(), filepath.Join(t.TempDir(), "nerve.sock")
	startDaemon(t, services(spec), func(o *Options) { o.MaintenanceDir, o.AdminSocket = spool, sock })
	waitSocket(t, sock)
	c, ctx := admin.NewClient(sock), context.Background()
	if _, err := c.MaintenanceDown(ctx, "a", "deploy", 0); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil || len(st) != 1 || !st[0].Maintenance || st[0].MaintenanceReason != "deploy" || st[0].MaintenanceSource != "a" {
		t.Fatalf("status after maint down = %+v, %v", st, err)
	}
	if _, err := c.MaintenanceUp(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if st, err := c.Status(ctx); err != nil || len(st) != 1 || st[0].Maintenance || st[0].MaintenanceReason != "" {
		t.Fatalf("status after maint up = %+v, %v", st, err)
	}
}
