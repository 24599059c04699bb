// Package adminsock is what nerve's and synapse's admin sockets share: the
// socket file's life (mode 0660, an optional group, a stale socket
// replaced, a live one refused), serving an http.Handler on it with the
// peer's credentials at hand, and the client side's HTTP+JSON plumbing.
// Each daemon's own package holds its routes and wire types.
package adminsock

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SocketMode lets the daemon's user and group in, nobody else.
const SocketMode fs.FileMode = 0o660

// ErrInUse means another process answers on the socket path.
var ErrInUse = errors.New("another process is serving on it")

// DefaultPath is daemon's socket path when none is configured: daemon.sock
// in systemd's RuntimeDirectory= when the unit sets one (RUNTIME_DIRECTORY),
// else in /run/daemon. lookup is os.LookupEnv's signature.
func DefaultPath(lookup func(string) (string, bool), daemon string) string {
	if dirs, ok := lookup("RUNTIME_DIRECTORY"); ok && dirs != "" {
		first, _, _ := strings.Cut(dirs, ":") // one entry per RuntimeDirectory= value
		return filepath.Join(first, daemon+".sock")
	}
	return filepath.Join("/run", daemon, daemon+".sock")
}

// ErrGroup marks a group that cannot be resolved: a config problem, where
// a socket that cannot be created is a start-up one.
var ErrGroup = errors.New("unknown admin socket group")

// LookupGroup resolves the socket's group, a name or a numeric id; "" is
// -1, which keeps the daemon's own group. Its errors wrap ErrGroup.
func LookupGroup(name string) (int, error) {
	if name == "" {
		return -1, nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		if _, numErr := strconv.Atoi(name); numErr != nil {
			return 0, fmt.Errorf("%w %q: %w", ErrGroup, name, err)
		}
		if g, err = user.LookupGroupId(name); err != nil {
			return 0, fmt.Errorf("%w %q: %w", ErrGroup, name, err)
		}
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return 0, fmt.Errorf("%w %q: gid %q: %w", ErrGroup, name, g.Gid, err)
	}
	return gid, nil
}

// maxSocketPath is sun_path's size on Linux, less the terminating NUL.
const maxSocketPath = 107

// listen creates the socket file at path with SocketMode and group gid
// (-1 keeps the process's). It binds a temporary name beside path and
// renames it into place once mode and group are set, so no client ever
// finds path with looser permissions. The directory is created if missing.
func listen(path string, gid int) (*net.UnixListener, os.FileInfo, error) {
	tmp := fmt.Sprintf("%s.%d", path, os.Getpid())
	if len(tmp) > maxSocketPath {
		return nil, nil, fmt.Errorf("admin socket %s: path too long for a UNIX socket (%d bytes, at most %d)",
			path, len(path), maxSocketPath-(len(tmp)-len(path)))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	if err := removeStale(path); err != nil {
		return nil, nil, err
	}
	if err := removeStale(tmp); err != nil {
		return nil, nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	// The file is removed by Server.Close, and only while it is still ours.
	ln.SetUnlinkOnClose(false)
	fi, err := place(tmp, path, gid)
	if err != nil {
		_ = ln.Close()
		_ = os.Remove(tmp)
		return nil, nil, err
	}
	return ln, fi, nil
}

func place(tmp, path string, gid int) (os.FileInfo, error) {
	if err := os.Chmod(tmp, SocketMode); err != nil {
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	if gid >= 0 {
		if err := os.Chown(tmp, -1, gid); err != nil {
			return nil, fmt.Errorf("admin socket %s: group %d: %w", path, gid, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	return fi, nil
}

// removeStale removes path if it is a socket nobody answers on (left by a
// daemon that was killed). A live socket or any other file is an error.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("admin socket %s: %w", path, err)
	}
	if fi.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("admin socket %s: exists and is not a socket (%s); not removing it", path, fi.Mode().Type())
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = c.Close()
		return fmt.Errorf("admin socket %s: %w", path, ErrInUse)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("admin socket %s: probing the existing socket: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("admin socket %s: removing the stale socket: %w", path, err)
	}
	return nil
}
