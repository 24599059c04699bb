package generator

import (
	"context"
	"time"
)

// Reporter is a generator that can say how its proxy runs what it was
// handed, for `synapse status`. Report may ask the proxy (HAProxy's
// runtime API); it is called from the admin socket's goroutines, alongside
// Update and Tick, and must not wait for them to finish.
type Reporter interface {
	Report(ctx context.Context) ProxyReport
}

// ProxyReport is a Reporter's answer.
type ProxyReport struct {
	Generator string `json:"generator"`
	// Reloads and ReloadFailures count the reload command's runs since
	// synapse started.
	Reloads        int                     `json:"reloads"`
	ReloadFailures int                     `json:"reload_failures"`
	LastReload     *ReloadEvent            `json:"last_reload,omitempty"`
	PendingReload  []string                `json:"pending_reload,omitempty"`
	Socket         string                  `json:"socket,omitempty"` // where the live state was read
	Error          string                  `json:"error,omitempty"`  // why it could not be read
	ReadAt         time.Time               `json:"read_at,omitzero"`
	Services       map[string]ProxyService `json:"-"` // by service name; status shows each under its service
}

// ReloadEvent is one run of the reload command.
type ReloadEvent struct {
	Time    time.Time `json:"time"`
	Reasons []string  `json:"reasons"`
	OK      bool      `json:"ok"`
	Error   string    `json:"error,omitempty"`
}

// ProxyService is one service as the proxy runs it.
type ProxyService struct {
	Backend string        `json:"backend"`
	Servers []ProxyServer `json:"servers"`
}

// ProxyServer is one server of a service: discovered (handed to the
// generator), live in the proxy, or both.
type ProxyServer struct {
	Name       string `json:"name"`
	Addr       string `json:"addr,omitempty"`
	Discovered bool   `json:"discovered"`
	// Status is the proxy's: UP, DOWN, MAINT, DRAIN, "no check", ...; ""
	// when the proxy does not run the server.
	Status     string    `json:"status"`
	Weight     int       `json:"weight"`
	LastChange time.Time `json:"last_change,omitzero"`
}
