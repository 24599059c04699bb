package nerve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// clientEnv makes the test binary a one-shot admin client (see TestMain):
// it asks for maintenance of service "a" on the socket named by the value.
const clientEnv = "NERVE_TEST_ADMIN_CLIENT"

// Exit codes of runClient.
const (
	clientOK     = 0
	clientDenied = 13 // EACCES
	clientOther  = 1
)

func runClient(path string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := admin.NewClient(path).MaintenanceDown(ctx, "a", "intruder", 0)
	fmt.Println(err)
	switch {
	case err == nil:
		return clientOK
	case errors.Is(err, syscall.EACCES):
		return clientDenied
	}
	return clientOther
}

const nobody = 65534

// asNobody runs this test binary as runClient under uid and gid 65534. The
// binary is copied where that user may execute it.
func asNobody(t *testing.T, sock string) (int, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(sharedDir(t), "client.test")
	copyFile(t, self, bin)
	cmd := exec.Command(bin)
	cmd.Env = []string{clientEnv + "=" + sock}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running the client as uid %d: %v", nobody, err)
	}
	return cmd.ProcessState.ExitCode(), strings.TrimSpace(string(out))
}

// sharedDir is a fresh directory every user may traverse (t.TempDir's
// parent is private to the test's user).
func sharedDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "nerve-admin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// A client the socket's permissions do not let in is refused (EACCES) and
// the service stays in rotation; a member of the configured group gets in.
// Root ignores file permissions, so as root the client runs as nobody; as
// another user it is this process, with the socket's directory closed to it.
func TestAdminSocketPermissions(t *testing.T) {
	if os.Getuid() != 0 {
		testPermissionsUnprivileged(t)
		return
	}
	for _, tc := range []struct {
		name     string
		dirMode  os.FileMode
		group    string
		wantCode int
	}{
		{"private directory", 0o700, "", clientDenied},
		{"socket mode", 0o755, "", clientDenied},
		{"group member", 0o755, fmt.Sprint(nobody), clientOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, spool, sock := startForPermissions(t, tc.dirMode, tc.group)
			code, out := asNobody(t, sock)
			if code != tc.wantCode {
				t.Fatalf("client as uid %d: exit %d (%s), want %d", nobody, code, out, tc.wantCode)
			}
			if tc.wantCode == clientOK {
				want(t, f, "")
				return
			}
			if !strings.Contains(out, "permission denied") {
				t.Fatalf("client output %q lacks the refusal", out)
			}
			assertInRotation(t, f, spool)
		})
	}
}

func testPermissionsUnprivileged(t *testing.T) {
	f, spool, sock := startForPermissions(t, 0o755, "")
	dir := filepath.Dir(sock)
	if err := os.Chmod(dir, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) }) // before the daemon's cleanup removes the socket
	if code := runClient(sock); code != clientDenied {
		t.Fatalf("client in a directory it cannot traverse: exit %d, want %d", code, clientDenied)
	}
	assertInRotation(t, f, spool)
}

// startForPermissions runs a daemon with service "a" whose socket sits in
// a directory of mode dirMode under a directory everyone may traverse.
func startForPermissions(t *testing.T, dirMode os.FileMode, group string) (f *fleet, spool, sock string) {
	f = &fleet{reps: map[string][]*fakeReporter{}}
	dir := filepath.Join(sharedDir(t), "run")
	if err := os.Mkdir(dir, dirMode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, dirMode); err != nil { // umask
		t.Fatal(err)
	}
	spool, sock = t.TempDir(), filepath.Join(dir, "nerve.sock")
	startDaemon(t, services(f.spec("a", "1")), func(o *Options) {
		o.MaintenanceDir, o.AdminSocket, o.AdminGroup = spool, sock, group
	})
	want(t, f, "a@1")
	waitSocket(t, sock)
	return f, spool, sock
}

func assertInRotation(t *testing.T, f *fleet, spool string) {
	t.Helper()
	if files, _ := os.ReadDir(spool); len(files) != 0 {
		t.Fatalf("a refused client left spool files: %v", files)
	}
	want(t, f, "a@1")
}
