package adminsock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ok answers every request with {"ok": true}.
var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, http.StatusOK, map[string]bool{"ok": true}) })

// ping is one request to the socket at path.
func ping(path string) error {
	var out map[string]bool
	if err := NewClient("test", path).Do(context.Background(), http.MethodGet, "/", nil, &out); err != nil {
		return err
	}
	if !out["ok"] {
		return fmt.Errorf("answer %v", out)
	}
	return nil
}

// start serves ok on a socket and closes it on cleanup.
func start(t *testing.T, path string, gid int) *Server {
	t.Helper()
	srv, err := Serve(path, gid, ok)
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
	path := filepath.Join(t.TempDir(), "sub", "d.sock")
	srv := start(t, path, gid)
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
	if _, err := LookupGroup("no-such-group-xyz"); err == nil || !strings.Contains(err.Error(), `admin socket group "no-such-group-xyz"`) {
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
	start(t, stale, -1)
	if err := ping(stale); err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}

	if _, err := Serve(stale, -1, ok); !errors.Is(err, ErrInUse) {
		t.Fatalf("second server on a live socket: %v, want ErrInUse", err)
	}
	if err := ping(stale); err != nil {
		t.Fatalf("the first server lost its socket: %v", err)
	}

	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Serve(plain, -1, ok); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("regular file: %v", err)
	}
	if b, err := os.ReadFile(plain); err != nil || string(b) != "keep" {
		t.Fatalf("regular file touched: %q %v", b, err)
	}
}

// Close leaves a socket alone that another process put at the path.
func TestCloseKeepsReplacedSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.sock")
	srv := start(t, path, -1)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	other := start(t, path, -1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ping(other.Path()); err != nil {
		t.Fatalf("closing the first server removed the second's socket: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
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
		if got := DefaultPath(lookup, "nerve"); got != tc.want {
			t.Errorf("env %v: %s, want %s", tc.env, got, tc.want)
		}
	}
}

func TestSocketPathTooLong(t *testing.T) {
	long := filepath.Join(t.TempDir(), filepath.Join(strings.Repeat("d", 60), strings.Repeat("s", 60)))
	if _, err := Serve(long, -1, ok); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("long path: %v", err)
	}
}

// A request's context carries the caller's uid and pid.
func TestPeerAttrs(t *testing.T) {
	got := make(chan []any, 1)
	path := filepath.Join(t.TempDir(), "d.sock")
	srv, err := Serve(path, -1, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- PeerAttrs(r.Context())
		WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	if err := ping(path); err != nil {
		t.Fatal(err)
	}
	if a := fmt.Sprint(<-got); a != fmt.Sprint([]any{"peer_uid", uint32(os.Getuid()), "peer_pid", int32(os.Getpid())}) {
		t.Fatalf("PeerAttrs = %s", a)
	}
}

// An answer that is not 2xx is a *StatusError with its body.
func TestClientStatusError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.sock")
	srv, err := Serve(path, -1, http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	err = ping(path)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusNotFound || !strings.Contains(string(se.Body), "not found") {
		t.Fatalf("err = %v", err)
	}
}
