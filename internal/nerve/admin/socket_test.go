package admin

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// start serves c on a socket under a fresh directory and closes it on cleanup.
func start(t *testing.T, path string, gid int, c Controller) *Server {
	t.Helper()
	srv, err := Start(path, gid, c, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	return srv
}

// otherGroup is a group the test may chown to that is, as root, not the
// process's own, so the chown is visible.
func otherGroup(t *testing.T) (string, int) {
	if os.Getuid() == 0 {
		if g, err := user.LookupGroupId("65534"); err == nil {
			return g.Name, 65534
		}
	}
	g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
	if err != nil {
		t.Fatal(err)
	}
	return g.Name, os.Getgid()
}

// The socket is created with mode 0660 and the configured group, in a
// directory made for it; Close removes it.
func TestSocketModeAndGroup(t *testing.T) {
	name, want := otherGroup(t)
	gid, err := LookupGroup(name)
	if err != nil || gid != want {
		t.Fatalf("LookupGroup(%q) = %d, %v; want %d", name, gid, err, want)
	}
	if byID, err := LookupGroup(strconv.Itoa(want)); err != nil || byID != want {
		t.Fatalf("LookupGroup(%d) = %d, %v", want, byID, err)
	}
	path := filepath.Join(t.TempDir(), "sub", "nerve.sock")
	srv := start(t, path, gid, fakeController{})
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o660 {
		t.Fatalf("socket mode %v, want a socket with 0660", fi.Mode())
	}
	if g := fi.Sys().(*syscall.Stat_t).Gid; int(g) != gid {
		t.Fatalf("socket group %d, want %d (%s)", g, gid, name)
	}
	if leftovers, _ := filepath.Glob(path + ".*"); len(leftovers) != 0 {
		t.Fatalf("temporary socket left behind: %v", leftovers)
	}
	if err := srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("socket still there after Close: %v", err)
	}
}

func TestLookupGroupUnknown(t *testing.T) {
	if _, err := LookupGroup("no-such-group-xyz"); err == nil || !contains(err.Error(), `admin socket group "no-such-group-xyz"`) {
		t.Fatalf("unknown group: %v", err)
	}
	if gid, err := LookupGroup(""); err != nil || gid != -1 {
		t.Fatalf(`LookupGroup("") = %d, %v`, gid, err)
	}
}

// A socket nobody answers on is replaced; a live one or another kind of
// file is an error and left alone.
func TestSocketExistingFile(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	_ = ln.Close()
	start(t, stale, -1, fakeController{})
	if _, err := NewClient(stale).Status(context.Background()); err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}

	if _, err := Start(stale, -1, fakeController{}, slog.New(slog.DiscardHandler)); !errors.Is(err, ErrInUse) {
		t.Fatalf("second server on a live socket: %v, want ErrInUse", err)
	}
	if _, err := NewClient(stale).Status(context.Background()); err != nil {
		t.Fatalf("the first server lost its socket: %v", err)
	}

	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Start(plain, -1, fakeController{}, slog.New(slog.DiscardHandler)); err == nil || !contains(err.Error(), "not a socket") {
		t.Fatalf("regular file: %v", err)
	}
	if b, err := os.ReadFile(plain); err != nil || string(b) != "keep" {
		t.Fatalf("regular file touched: %q %v", b, err)
	}
}

// Close leaves a socket alone that another process put at the path.
func TestCloseKeepsReplacedSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nerve.sock")
	srv := start(t, path, -1, fakeController{})
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	other := start(t, path, -1, fakeController{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := NewClient(other.Path()).Status(ctx); err != nil {
		t.Fatalf("closing the first server removed the second's socket: %v", err)
	}
}

func TestDefaultSocket(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "/run/nerve/nerve.sock"},
		{map[string]string{"RUNTIME_DIRECTORY": ""}, "/run/nerve/nerve.sock"},
		{map[string]string{"RUNTIME_DIRECTORY": "/run/nerve2"}, "/run/nerve2/nerve.sock"},
		{map[string]string{"RUNTIME_DIRECTORY": "/run/a:/run/b"}, "/run/a/nerve.sock"},
	} {
		lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
		if got := DefaultSocket(lookup); got != tc.want {
			t.Errorf("env %v: %s, want %s", tc.env, got, tc.want)
		}
	}
}

func TestSocketPathTooLong(t *testing.T) {
	long := filepath.Join(t.TempDir(), filepath.Join(repeat("d", 60), repeat("s", 60)))
	if _, err := Start(long, -1, fakeController{}, slog.New(slog.DiscardHandler)); err == nil || !contains(err.Error(), "too long") {
		t.Fatalf("long path: %v", err)
	}
}
