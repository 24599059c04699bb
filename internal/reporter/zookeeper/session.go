package zookeeper

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// conn is a pooled connection: *zk.Conn, or a fake in unit tests.
type conn = zk.ClientCloser

// Dial retries while the ensemble cannot be reached: 1 s doubling to 10 s,
// and 1 s after a dial that waited out its connect timeout, so a nerve
// started before its ensemble registers within about a second of the
// ensemble coming up.
const (
	retryMin = time.Second
	retryMax = 10 * time.Second
)

// NewPool returns a pool for nerve's reporters: every service naming the
// same host set (and credentials) shares one session, as in the original.
func NewPool() *zk.Pool { return newPool(zk.Dial) }

func newPool(dial zk.DialFunc) *zk.Pool {
	return zk.NewPool(zk.PoolOptions{
		Dial:               dial,
		Retry:              backoff.Doubling{Min: retryMin, Max: retryMax},
		RetrySoonAfterWait: true,
	})
}

// deleteLater has the shared session delete node, if it is still the one
// registered with owner, once the session is back. Without it a node whose
// Stop came during a disconnect would stay registered for as long as other
// services keep the shared session alive. owner tells a node of the same
// name made since (by a new session) apart from it.
func deleteLater(s *zk.Shared, log *slog.Logger, node string, owner int64) {
	s.WhenBack(func(ctx context.Context, c zk.Client) bool {
		err := deleteOwned(ctx, c, log, node, owner)
		if err != nil && !isConnErr(err) {
			log.Error("failed to delete zk node left by a stopped service", "path", node, "err", err)
		}
		return isConnErr(err)
	})
}

// deleteOwned deletes node if it is still the one registered with owner.
func deleteOwned(ctx context.Context, c zk.Client, log *slog.Logger, node string, owner int64) error {
	ok, st, err := exists(ctx, c, node)
	if err != nil || !ok || st.EphemeralOwner != owner {
		return err
	}
	err = deleteNode(ctx, c, node, st.Version)
	if err != nil && !errors.Is(err, zk.ErrNoNode) && !errors.Is(err, zk.ErrBadVersion) {
		return err
	}
	log.Info("deleted zk node left by a stopped service", "path", node)
	return nil
}
