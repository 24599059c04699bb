package adminsock

import (
	"errors"
	"fmt"
	"github.com/smartstack-go/smartstack/internal/cliutil"
	"log/slog"
	"net/http"
	"syscall"
)

// Options says where a daemon serves its admin socket.
type Options struct {
	// Path is the socket's path, "" for none; Group its group (name or
	// gid, "" the daemon's own).
	Path, Group string
	// Optional means Path is only the default: failing to create it is
	// logged, with Without saying what the daemon does without it,
	// rather than a start-up error. An unknown Group is always an error:
	// it was asked for explicitly.
	Optional bool
	Without  string
	Log      *slog.Logger
}

// Open serves h as opts say. It returns a nil Server and no error when
// there is no socket to serve.
func Open(opts Options, h http.Handler) (*Server, error) {
	if opts.Path == "" {
		return nil, nil
	}
	gid, err := LookupGroup(opts.Group)
	if err != nil {
		return nil, err
	}
	srv, err := Serve(opts.Path, gid, h)
	if err != nil {
		if opts.Optional {
			opts.Log.Warn("running without the admin socket: "+opts.Without, "err", err)
			return nil, nil
		}
		return nil, err
	}
	opts.Log.Info("serving the admin socket", "path", srv.Path(), "group", opts.Group)
	return srv, nil
}

// ExitError marks an Open error for the daemon's exit code: an unknown
// group is the config's fault, a socket that cannot be created is a
// start-up failure.
func ExitError(err error) error {
	if errors.Is(err, ErrGroup) {
		return cliutil.ConfigError(err)
	}
	return cliutil.StartupError(err)
}

// Hint adds what to do about the usual errors of daemon's socket at path.
func Hint(daemon, path string, err error) error {
	switch {
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("%w (run as root, as %s's user or as a member of the socket's group)", err, daemon)
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w (is %s running with --admin-socket %s?)", err, daemon, path)
	}
	return err
}
