package admin

import (
	"context"
	"net/http"

	"github.com/smartstack-go/smartstack/internal/adminsock"
)

// Controller is what the socket serves; synapse's Daemon implements it.
// Operations that change state add a method here and a route below.
type Controller interface {
	AdminStatus(ctx context.Context) StatusResult
}

// Server is a running admin socket; Close stops it and removes the file.
type Server = adminsock.Server

// Start creates the socket at path (mode 0660, group gid, -1 keeps the
// process's) and serves c on it.
func Start(path string, gid int, c Controller) (*Server, error) {
	return adminsock.Serve(path, gid, Handler(c))
}

// Handler serves the protocol (docs/synapse.md "Admin socket") for c.
func Handler(c Controller) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathStatus, func(w http.ResponseWriter, r *http.Request) {
		adminsock.WriteJSON(w, http.StatusOK, c.AdminStatus(r.Context()))
	})
	return mux
}

// DefaultSocket is the socket path when none is configured:
// $RUNTIME_DIRECTORY/synapse.sock under systemd, else
// /run/synapse/synapse.sock. lookup is os.LookupEnv's signature.
func DefaultSocket(lookup func(string) (string, bool)) string {
	return adminsock.DefaultPath(lookup, "synapse")
}
