package zookeeper

import (
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// conn is a pooled connection: *zk.Conn, or a fake in unit tests.
type conn = zk.ClientCloser

type dialFunc = zk.DialFunc

var dialZK = zk.Dial

// Pool shares one ZooKeeper connection per sorted host list (and
// credential and TLS identity: see zk.Options.Identity) between watchers,
// as the original does, closing it when the last watcher stops.
type Pool = zk.Pool

// NewPool returns an empty pool with synapse's dial backoff: 1 s doubling
// to 30 s, jittered so that a fleet does not retry in step.
func NewPool() *Pool { return newPool(dialZK) }

func newPool(dial dialFunc) *Pool {
	return zk.NewPool(zk.PoolOptions{
		Dial:  dial,
		Retry: backoff.Doubling{Min: time.Second, Max: 30 * time.Second, Jitter: true},
	})
}

// defaultPool serves every watcher whose Options carry no pool, which is
// all of them in the daemon: one synapse process, one connection per
// ensemble.
var defaultPool = NewPool()
