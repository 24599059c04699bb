package admin

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/adminsock"
)

// Controller is what the socket drives; nerve's Daemon implements it. New
// operations (the live weight, say) add a method here and a route below.
type Controller interface {
	Status() []ServiceStatus
	// SetMaintenance takes service (or All) out of rotation (down) or
	// back. An unknown service is an *UnknownServiceError; a refusal that
	// depends on how nerve runs wraps ErrUnavailable.
	// A positive dur ends the maintenance by itself that long from now;
	// it returns when (zero: no end).
	SetMaintenance(service string, down bool, reason string, dur time.Duration) (expires time.Time, err error)
	// SetWeight sets service's live weight, reached over ramp; a nil
	// weight drops the live weight (the configured one applies). It
	// returns when the ramp ends (zero without a ramp) and the configured
	// weight.
	SetWeight(service string, weight *int, ramp time.Duration) (rampEnds time.Time, configured *int, err error)
}

// Server is a running admin socket; Close stops it and removes the file.
type Server = adminsock.Server

// Start creates the socket at path (mode 0660, group gid, -1 keeps the
// process's) and serves c on it.
func Start(path string, gid int, c Controller, log *slog.Logger) (*Server, error) {
	return adminsock.Serve(path, gid, Handler(c, log))
}

// Handler serves the protocol (docs/nerve.md "Admin socket") for c.
func Handler(c Controller, log *slog.Logger) http.Handler {
	h := handler{c: c, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathStatus, h.status)
	mux.HandleFunc("POST "+PathMaintenance+"{service}", h.maintenance)
	mux.HandleFunc("DELETE "+PathMaintenance+"{service}", h.maintenance)
	mux.HandleFunc("PUT "+PathWeight+"{service}", h.weight)
	mux.HandleFunc("DELETE "+PathWeight+"{service}", h.weight)
	return mux
}

type handler struct {
	c   Controller
	log *slog.Logger
}

func (h handler) status(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, StatusResult{Services: h.c.Status()})
}

func (h handler) maintenance(w http.ResponseWriter, r *http.Request) {
	res := MaintenanceResult{Service: r.PathValue("service"), Maintenance: r.Method == http.MethodPost}
	var dur time.Duration
	var err error
	if res.Maintenance {
		var req MaintenanceRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		res.Reason = strings.TrimSpace(req.Reason)
		if err := checkReason(res.Reason); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		if res.Reason == "" {
			res.Reason = DefaultReason
		}
		if dur, err = parseFor(req.For); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
	}
	peer := peerAttrs(r.Context())
	expires, err := h.c.SetMaintenance(res.Service, res.Maintenance, res.Reason, dur)
	if !expires.IsZero() {
		res.Expires = expires.UTC().Format(time.RFC3339)
	}
	if err != nil {
		h.log.Warn("admin socket: maintenance refused", append(peer, "service", res.Service, "down", res.Maintenance, "err", err)...)
		writeError(w, statusOf(err), err)
		return
	}
	h.log.Info("admin socket: maintenance set", append(peer, "service", res.Service, "down", res.Maintenance, "reason", res.Reason, "expires", res.Expires)...)
	writeJSON(w, http.StatusOK, res)
}

func peerAttrs(ctx context.Context) []any { return adminsock.PeerAttrs(ctx) }

func decode(w http.ResponseWriter, r *http.Request, v any) error {
	return adminsock.DecodeJSON(w, r, v)
}

func statusOf(err error) int {
	var unknown *UnknownServiceError
	switch {
	case errors.As(err, &unknown):
		return http.StatusNotFound
	case errors.Is(err, ErrUnavailable):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, code int, err error) {
	res := ErrorResult{Error: err.Error()}
	var unknown *UnknownServiceError
	if errors.As(err, &unknown) {
		res.Service, res.Known = unknown.Service, unknown.Known
	}
	writeJSON(w, code, res)
}

func writeJSON(w http.ResponseWriter, code int, v any) { adminsock.WriteJSON(w, code, v) }
