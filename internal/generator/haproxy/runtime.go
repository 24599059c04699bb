package haproxy

import (
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// runtime is the generator's memory for runtime-API membership changes.
type runtime struct {
	// versions is each socket's HAProxy version; a zero Version means
	// unknown, which keeps the reload path.
	versions map[string]hapi.Version
	// mechs is the last logged mechanism choice per backend.
	mechs map[string]string
	// chooser picks each backend's mechanism.
	chooser plan.Chooser
	// applied are the server lines this update applied at run time.
	applied plan.Applied
	// draining are removed dynamic servers waiting for their connections
	// to end, per socket path, with their deadline.
	draining map[string]map[plan.Ref]drain
	// boot are the backends of the config file found at start
	// (server_slots only): its slot pools stand for the previous
	// generation until one exists.
	boot map[string]*stanza.Backend
	// stats is each socket's record of the servers HAProxy runs
	// (statcache.go).
	stats statCache
}

func newRuntime() runtime {
	return runtime{
		versions: map[string]hapi.Version{}, mechs: map[string]string{},
		applied: plan.Applied{}, draining: map[string]map[plan.Ref]drain{},
		stats: statCache{},
	}
}
