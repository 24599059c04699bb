package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Endpoint is a daemon's /metrics and /status server as its config wants
// it: Apply starts, moves or stops it on every (re)load. Both daemons hold
// one. The zero value is off and ready to use.
type Endpoint struct {
	mu     sync.Mutex
	server *Server
	addr   string // the configured address; "" when off
}

// Apply makes the server listen on addr, or stops it when addr is "". An
// unchanged addr keeps the running server (and its connections). Every
// Apply of an address beyond loopback logs a warning, so the exposure is
// in the log after each start and reload, not only the first.
func (e *Endpoint) Apply(addr string, h http.Handler, log *slog.Logger) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if addr != "" && !IsLoopback(addr) {
		log.Warn("metrics and status server listens beyond loopback; anyone who can reach it can read the daemon's state",
			"addr", addr)
	}
	if addr == e.addr && (addr == "") == (e.server == nil) {
		return nil
	}
	var errs []error
	if e.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		errs = append(errs, e.server.Shutdown(ctx))
		cancel()
		e.server, e.addr = nil, ""
	}
	if addr != "" {
		srv, err := Start(addr, h, Options{Logger: log})
		if err != nil {
			errs = append(errs, fmt.Errorf("prometheus: %w", err))
		} else {
			e.server, e.addr = srv, addr
			log.Info("serving metrics and status", "addr", srv.Addr())
		}
	}
	return errors.Join(errs...)
}

// IsLoopback reports whether the host of addr (host:port) is "localhost"
// or a loopback IP literal. An empty host, a wildcard or any other name is
// not: a name could resolve anywhere.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Addr is the bound address, "" when off.
func (e *Endpoint) Addr() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.server == nil {
		return ""
	}
	return e.server.Addr()
}

// Close stops the server, waiting at most timeout for open requests.
func (e *Endpoint) Close(timeout time.Duration) {
	e.mu.Lock()
	srv := e.server
	e.server, e.addr = nil, ""
	e.mu.Unlock()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}
