// Package rabbitmq implements the `rabbitmq` check, the original's round
// trip modelled on the management plugin's aliveness test:
// connect, open a channel, declare the queue `nerve`, publish a
// message to it through the default exchange, fetch it back with basic.get
// and ack it. Healthy when the message (or an earlier one still queued) was
// fetched. The queue is left on the broker, as the original leaves it.
package rabbitmq

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
)

// Defaults of the original.
const (
	DefaultUsername = "guest"
	DefaultPassword = "guest"
)

// Config is the rabbitmq check's own section. The vhost is always the
// default one, "/", as in the original.
type Config struct {
	Username *string `yaml:"username"`
	Password *string `yaml:"password"`
}

// Check is one rabbitmq check. `timeout` bounds the whole round, where the
// original applied it to each AMQP RPC: the round is six round trips on a
// fresh connection, so a total is the clearer promise and keeps a slow
// broker from holding the service's loop for six timeouts.
type Check struct {
	addr     string
	username string
	password string
	timeout  time.Duration
}

func init() { check.Register("rabbitmq", New) }

// New builds a rabbitmq check. A port is required.
func New(c check.Common, decode check.Decoder) (check.Check, error) {
	var cfg Config
	if decode != nil {
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("rabbitmq check: %w", err)
		}
	}
	if err := check.RequirePort(c); err != nil {
		return nil, err
	}
	r := &Check{
		addr:     net.JoinHostPort(c.Host, strconv.Itoa(c.Port)),
		username: DefaultUsername,
		password: DefaultPassword,
		timeout:  c.Timeout,
	}
	// An explicit empty string is kept, as Ruby's `opts['username'] ||
	// 'guest'` keeps it; null means unset.
	if cfg.Username != nil {
		r.username = *cfg.Username
	}
	if cfg.Password != nil {
		r.password = *cfg.Password
	}
	return r, nil
}

// String is the target, for logs and test failures.
func (r *Check) String() string { return "rabbitmq " + r.username + "@" + r.addr }

var _ check.Check = (*Check)(nil)
