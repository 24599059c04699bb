package admin

import (
	"github.com/smartstack-go/smartstack/internal/adminsock"
)

// Default location of the socket: systemd's RuntimeDirectory= when the unit
// sets one (RUNTIME_DIRECTORY), else DefaultSocketPath.
const (
	DefaultSocketPath = "/run/nerve/" + SocketName
	SocketName        = "nerve.sock"
	// SocketMode lets the daemon's user and group in, nobody else.
	SocketMode = adminsock.SocketMode
)

// ErrInUse means another process answers on the socket path.
var ErrInUse = adminsock.ErrInUse

// DefaultSocket is the socket path when none is configured. lookup is
// os.LookupEnv's signature.
func DefaultSocket(lookup func(string) (string, bool)) string {
	return adminsock.DefaultPath(lookup, "nerve")
}

// LookupGroup resolves the socket's group, a name or a numeric id; "" is
// -1, which keeps the daemon's own group.
func LookupGroup(name string) (int, error) { return adminsock.LookupGroup(name) }
