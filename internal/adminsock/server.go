package adminsock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Server is a running admin socket. Its serving goroutine is owned by it
// and ends in Close.
type Server struct {
	path string
	fi   os.FileInfo
	srv  *http.Server
	done chan error

	closeOnce sync.Once
	closeErr  error
}

// Serve creates the socket at path (mode 0660, group gid, -1 keeps the
// process's; see listen) and serves h on it, with the runtime's profiles
// under PathProfile. PeerAttrs finds the caller in each request's context.
func Serve(path string, gid int, h http.Handler) (*Server, error) {
	ln, fi, err := listen(path, gid)
	if err != nil {
		return nil, err
	}
	s := &Server{path: path, fi: fi, done: make(chan error, 1),
		srv: &http.Server{Handler: withProfiles(h), ReadHeaderTimeout: 10 * time.Second, ConnContext: withPeer}}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// Close stops serving (requests in flight get until ctx ends) and removes
// the socket file, unless another process has replaced it meanwhile. Later
// calls return the first one's result.
func (s *Server) Close(ctx context.Context) error {
	s.closeOnce.Do(func() { s.closeErr = s.close(ctx) })
	return s.closeErr
}

func (s *Server) close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if fi, serr := os.Lstat(s.path); serr == nil && os.SameFile(fi, s.fi) {
		err = errors.Join(err, os.Remove(s.path))
	}
	return err
}

type peerKey struct{}

type peer struct {
	pid int32
	uid uint32
}

// withPeer remembers who connected, so each state change can be logged
// with the uid and pid that asked for it.
func withPeer(ctx context.Context, c net.Conn) context.Context {
	if pid, uid, ok := peerOf(c); ok {
		return context.WithValue(ctx, peerKey{}, peer{pid: pid, uid: uid})
	}
	return ctx
}

// PeerAttrs are the log attributes (peer_uid, peer_pid) of the process
// that sent the request of ctx; none when unknown.
func PeerAttrs(ctx context.Context) []any {
	if p, ok := ctx.Value(peerKey{}).(peer); ok {
		return []any{"peer_uid", p.uid, "peer_pid", p.pid}
	}
	return nil
}

// DecodeJSON reads one JSON object of at most 64 KiB, refusing unknown
// fields; an empty body is the zero request.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("request body: %w", err)
	}
	return nil
}

// WriteJSON answers code with v, indented for a human with curl.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
