// Package admin is synapse's admin socket: HTTP with JSON bodies over a
// local UNIX socket whose file's owner, group and mode (0660) decide who
// may use it, the same shape as nerve's (internal/adminsock holds what the
// two share). It has the wire types, the routes and the Client that
// `synapse status` uses. docs/synapse.md "Admin socket" describes the
// protocol.
package admin

import (
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// PathStatus is the status route, relative to the socket.
const PathStatus = "/v1/status"

// StatusResult answers GET /v1/status. Services and Ready are the document
// GET /status on the metrics listener serves; the socket adds what the
// proxies run (Proxies, and each service's HAProxy).
type StatusResult struct {
	Ready    bool                    `json:"ready"`
	Services []ServiceStatus         `json:"services"`
	Proxies  []generator.ProxyReport `json:"proxies,omitempty"`
}

// ServiceStatus is what synapse believes about one service.
type ServiceStatus struct {
	Name     string                 `json:"name"`
	Method   string                 `json:"method"`
	Ready    bool                   `json:"ready"`
	Revision uint64                 `json:"revision"`
	Backends []registration.Backend `json:"backends"`
	Watcher  WatcherHealth          `json:"watcher"`
	// HAProxy is the service's backend as HAProxy runs it; admin socket
	// only, nil when there is no haproxy generator.
	HAProxy *generator.ProxyService `json:"haproxy,omitempty"`
}

// WatcherHealth is what synapse knows of a service's watcher.
type WatcherHealth struct {
	Running      bool      `json:"running"`
	Restarts     int       `json:"restarts"`
	LastError    string    `json:"last_error,omitempty"`
	Snapshots    uint64    `json:"snapshots"`
	LastSnapshot time.Time `json:"last_snapshot,omitzero"`
	Discovered   bool      `json:"discovered"` // a good snapshot has arrived
}
