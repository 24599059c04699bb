// Package statefile is the haproxy generator's state cache
// (state_file_path), the original's JSON file: every backend seen per
// service, kept for state_file_ttl after it was last seen, so a backend
// that comes back finds its server (disabled) in the running HAProxy with
// the same id, and needs no reload.
package statefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Refresh is how often the state file is rewritten when nothing but
// timestamps changed (the original writes it every 60 ticks). The
// timestamps drive the TTL after a restart, and the file's mtime doubles
// as a liveness signal (airbnb/synapse#162).
const Refresh = 60 * time.Second

// maxStateServerID is the largest haproxy_server_id the original stores.
const maxStateServerID = 65535

// File is the original's state cache (state_file_path): every backend
// seen per service, kept for state_file_ttl after it was last seen, so a
// backend that comes back within the TTL finds its server (disabled) in
// the running HAProxy, with the same id, and needs no reload.
type File struct {
	path     string
	ttl      time.Duration
	services []*cachedService
	byName   map[string]*cachedService

	written     time.Time // last successful write
	fingerprint string    // the last write without timestamps
	Dropped     []error   // entries decode refused, for the caller to log
}

type cachedService struct {
	name    string
	servers []*cachedServer // file order: it is the order of Render's Cached
	byName  map[string]*cachedServer
	// config is watcher_config_for_generator: written for the file's
	// readers (and the Ruby original), never compared: comparing it reloaded
	// on every update without a state file, a bug of the original.
	config registration.Value
}

type cachedServer struct {
	name    string
	backend registration.Backend
	id      int   // haproxy_server_id, 0 for none
	seen    int64 // timestamp, unix seconds
}

// Path is the file's path.
func (s *File) Path() string { return s.path }

// New is an empty cache written to path.
func New(path string, ttl time.Duration) *File {
	return &File{path: path, ttl: ttl, byName: map[string]*cachedService{}}
}

// Load reads the cache. A missing file is an empty cache; an
// unreadable or invalid one too (the error says why), as the original
// rebuilds it.
func Load(path string, ttl time.Duration) (*File, error) {
	s := New(path, ttl)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read state file: %w", err)
	}
	if err := s.decode(data); err != nil {
		return New(path, ttl), fmt.Errorf("state file %s: %w", path, err)
	}
	return s, nil
}

func (s *File) service(name string) *cachedService {
	cs := s.byName[name]
	if cs == nil {
		cs = &cachedService{name: name, byName: map[string]*cachedServer{}}
		s.byName[name] = cs
		s.services = append(s.services, cs)
	}
	return cs
}

func (cs *cachedService) put(srv *cachedServer) {
	if old := cs.byName[srv.name]; old != nil {
		*old = *srv
		return
	}
	cs.byName[srv.name] = srv
	cs.servers = append(cs.servers, srv)
}

// Cached returns a service's cached servers for Render, nil on a nil cache.
func (s *File) Cached(service string) []render.Backend {
	if s == nil || s.byName[service] == nil {
		return nil
	}
	var out []render.Backend
	for _, srv := range s.byName[service].servers {
		out = append(out, render.Backend{Backend: srv.backend, ServerID: srv.id})
	}
	return out
}

// ServerIDs returns the cached ids, so ids stay stable across restarts.
func (s *File) ServerIDs() render.ServerIDs {
	ids := render.ServerIDs{}
	for _, cs := range s.services {
		for _, srv := range cs.servers {
			if srv.id > 0 {
				if ids[cs.name] == nil {
					ids[cs.name] = map[string]int{}
				}
				ids[cs.name][srv.name] = srv.id
			}
		}
	}
	return ids
}

// Observe records every live backend of every service (disabled ones and
// those without a haproxy section too, as the original does) as seen now.
// refused reports the haproxy_server_options the intake dropped (inputs):
// they are not cached either.
func (s *File) Observe(services []generator.Service, ids render.ServerIDs, now time.Time, refused map[string]map[string]bool) {
	for _, svc := range services {
		cs := s.service(svc.Name)
		bad := refused[svc.Name]
		for _, b := range svc.Backends {
			if hso, ok := b.HAProxyServerOptions.AsString(); ok && bad[hso] {
				b.HAProxyServerOptions = registration.Value{}
			}
			name := render.ServerName(b)
			id := ids[svc.Name][name]
			if id < 1 || id > maxStateServerID {
				id = 0
			}
			cs.put(&cachedServer{name: name, backend: b, id: id, seen: now.Unix()})
		}
		if sc, ok := svc.Config.(*render.ServiceConfig); ok && sc != nil {
			cs.config = configValue(sc)
		}
	}
}

// Expire drops servers not seen for longer than the TTL, and services
// left without servers.
func (s *File) Expire(now time.Time) {
	ttl := int64(s.ttl / time.Second)
	kept := s.services[:0]
	for _, cs := range s.services {
		servers := cs.servers[:0]
		for _, srv := range cs.servers {
			if age := now.Unix() - srv.seen; age <= ttl && age >= -ttl {
				servers = append(servers, srv)
			} else {
				delete(cs.byName, srv.name)
			}
		}
		cs.servers = servers
		if len(servers) == 0 {
			delete(s.byName, cs.name)
			continue
		}
		kept = append(kept, cs)
	}
	s.services = kept
}

// Flush writes the file when its content changed, or when the last write
// is older than Refresh, atomically, as o says.
func (s *File) Flush(now time.Time, o atomicfile.Options) error {
	fp := string(s.encode(false))
	if fp == s.fingerprint && now.Sub(s.written) < Refresh && !s.written.IsZero() {
		return nil
	}
	if err := atomicfile.Write(s.path, s.encode(true), o); err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	s.fingerprint, s.written = fp, now
	return nil
}
