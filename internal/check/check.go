// Package check holds nerve's health-check contract: the Check interface, the
// registry of check types (the `type:` key of a check), and the rise/fall
// filter that turns raw probe results into a stable up/down state.
package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/registry"
)

// Check probes a service once. A nil error means healthy; any error, including
// ctx expiring, means unhealthy (the original turns every exception into
// "down"). Implementations must honour ctx and release what they open.
type Check interface {
	Check(ctx context.Context) error
}

// Common is what every check config has, with the service's host and port
// already applied as defaults, as in the original.
type Common struct {
	Type    string
	Name    string // "<service> <type>-<host>:<port>" unless configured
	Service string
	Host    string
	Port    int // 0 when neither the check nor the service gave one
	Timeout time.Duration
	Rise    int
	Fall    int
}

// Decoder decodes the check's own section (the same mapping that carries
// `type`) into a type-specific config struct. The config layer supplies it so
// that unknown-key warnings and key paths stay in one place.
type Decoder func(into any) error

// Factory builds a check from its common settings and its own section.
// Errors are configuration errors (missing port, bad uri...).
type Factory func(c Common, decode Decoder) (Check, error)

var factories = registry.New[Factory]("check type")

// Register makes a check type available. It panics on a duplicate name,
// which is a programming error caught by any test.
func Register(name string, f Factory) { factories.Register(name, f) }

// Types lists the registered check types, sorted, for error messages.
func Types() []string { return factories.Names() }

// ErrUnknownType is wrapped by New for a type nobody registered.
var ErrUnknownType = errors.New("unknown check type")

// New builds a check of c.Type.
func New(c Common, decode Decoder) (Check, error) {
	f, ok := factories.Lookup(c.Type)
	if !ok {
		return nil, fmt.Errorf("%w %q; valid types: %s", ErrUnknownType, c.Type, strings.Join(Types(), ", "))
	}
	return f(c, decode)
}

// ErrMissingPort is wrapped by RequirePort's error.
var ErrMissingPort = errors.New("missing required argument 'port'")

// RequirePort is the shared validation of the types that connect somewhere;
// the message is the original's ("missing required argument 'port' in <type> check").
func RequirePort(c Common) error {
	if c.Port <= 0 {
		return fmt.Errorf("%w in %s check", ErrMissingPort, c.Type)
	}
	return nil
}

// Addr is host:port for dialing, bracketing IPv6 literals.
func (c Common) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// Namer is implemented by checks whose log and metric name is not the
// configured one: the original's http check always calls itself
// "http-<host>:<port><uri>".
type Namer interface {
	Name() string
}
