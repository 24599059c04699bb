package haproxy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// stateRefresh is how often the state file is rewritten when nothing but
// timestamps changed (the original writes it every 60 ticks). The
// timestamps drive the TTL after a restart, and the file's mtime doubles
// as a liveness signal (airbnb/synapse#162).
const stateRefresh = 60 * time.Second

// maxStateServerID is the largest haproxy_server_id the original stores.
const maxStateServerID = 65535

// stateFile is the original's state cache (state_file_path): every backend
// seen per service, kept for state_file_ttl after it was last seen, so a
// backend that comes back within the TTL finds its server (disabled) in
// the running HAProxy, with the same id, and needs no reload.
type stateFile struct {
	path     string
	ttl      time.Duration
	services []*cachedService
	byName   map[string]*cachedService

	written     time.Time // last successful write
	fingerprint string    // the last write without timestamps
	dropped     []error   // entries decode refused, for the caller to log
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

func newStateFile(path string, ttl time.Duration) *stateFile {
	return &stateFile{path: path, ttl: ttl, byName: map[string]*cachedService{}}
}

// loadStateFile reads the cache. A missing file is an empty cache; an
// unreadable or invalid one too (the error says why), as the original
// rebuilds it.
func loadStateFile(path string, ttl time.Duration) (*stateFile, error) {
	s := newStateFile(path, ttl)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read state file: %w", err)
	}
	if err := s.decode(data); err != nil {
		return newStateFile(path, ttl), fmt.Errorf("state file %s: %w", path, err)
	}
	return s, nil
}

func (s *stateFile) service(name string) *cachedService {
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

// cached returns a service's cached servers for Render, nil on a nil cache.
func (s *stateFile) cached(service string) []Backend {
	if s == nil || s.byName[service] == nil {
		return nil
	}
	var out []Backend
	for _, srv := range s.byName[service].servers {
		out = append(out, Backend{Backend: srv.backend, ServerID: srv.id})
	}
	return out
}

// serverIDs returns the cached ids, so ids stay stable across restarts.
func (s *stateFile) serverIDs() ServerIDs {
	ids := ServerIDs{}
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

// observe records every live backend of every service (disabled ones and
// those without a haproxy section too, as the original does) as seen now.
// refused reports the haproxy_server_options the intake dropped (inputs):
// they are not cached either.
func (s *stateFile) observe(services []generator.Service, ids ServerIDs, now time.Time, refused optionsWarner) {
	for _, svc := range services {
		cs := s.service(svc.Name)
		bad := refused[svc.Name]
		for _, b := range svc.Backends {
			if hso, ok := b.HAProxyServerOptions.AsString(); ok && bad[hso] {
				b.HAProxyServerOptions = registration.Value{}
			}
			name := ServerName(b)
			id := ids[svc.Name][name]
			if id < 1 || id > maxStateServerID {
				id = 0
			}
			cs.put(&cachedServer{name: name, backend: b, id: id, seen: now.Unix()})
		}
		if sc, ok := svc.Config.(*ServiceConfig); ok && sc != nil {
			cs.config = configValue(sc)
		}
	}
}

// expire drops servers not seen for longer than the TTL, and services
// left without servers.
func (s *stateFile) expire(now time.Time) {
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

// flush writes the file when its content changed, or when the last write
// is older than stateRefresh, atomically, as o says.
func (s *stateFile) flush(now time.Time, o atomicfile.Options) error {
	fp := string(s.encode(false))
	if fp == s.fingerprint && now.Sub(s.written) < stateRefresh && !s.written.IsZero() {
		return nil
	}
	if err := atomicfile.Write(s.path, s.encode(true), o); err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	s.fingerprint, s.written = fp, now
	return nil
}
