package zookeeper

import (
	"context"
	"errors"
	"fmt"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// call runs op, giving up when ctx ends. go-zookeeper calls take no context:
// a request queued while the connection is down waits for a reconnect, and
// one sent into a black hole waits for the receive timeout (2/3 of the
// session timeout), far longer than a round may take. The goroutine running
// op ends when the library answers, which it always does: every pending
// request is failed on disconnect and on Close.
//
// undo, if not nil, is applied to a result that arrives after call gave up,
// so an abandoned create does not leave a registration nobody knows about.
func call[T any](ctx context.Context, op func() (T, error), undo func(T)) (T, error) {
	if ctx.Done() == nil {
		return op()
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result) // unbuffered: either the caller takes it or undo runs
	abandon := make(chan struct{})
	go func() {
		v, err := op()
		select {
		case ch <- result{v, err}:
		case <-abandon:
			if err == nil && undo != nil {
				undo(v)
			}
		}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		close(abandon)
		var zero T
		return zero, ctx.Err()
	}
}

type existsResult struct {
	ok bool
	st *zk.Stat
}

func exists(ctx context.Context, c zk.Client, path string) (bool, *zk.Stat, error) {
	r, err := call(ctx, func() (existsResult, error) {
		ok, st, err := c.Exists(path)
		return existsResult{ok, st}, err
	}, nil)
	return r.ok, r.st, err
}

func setData(ctx context.Context, c zk.Client, path string, data []byte) (*zk.Stat, error) {
	return call(ctx, func() (*zk.Stat, error) { return c.Set(path, data, -1) }, nil)
}

func deleteNode(ctx context.Context, c zk.Client, path string, version int32) error {
	_, err := call(ctx, func() (struct{}, error) { return struct{}{}, c.Delete(path, version) }, nil)
	return err
}

// createNode deletes a node whose create completed after ctx gave up on it.
func createNode(ctx context.Context, c zk.Client, path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	return call(ctx, func() (string, error) { return c.Create(path, data, flags, acl) },
		func(created string) { _ = c.Delete(created, -1) })
}

func ensurePath(ctx context.Context, c zk.Client, path string, acl []zk.ACL) error {
	_, err := call(ctx, func() (struct{}, error) { return struct{}{}, zk.EnsurePathACL(ctx, c, path, acl) }, nil)
	return err
}

// isConnErr tells the errors that say nothing about the registration, only
// that the ensemble could not be asked: they are retried next round. The
// original also lets session expiry kill the watcher; here the library has
// already opened a new session and the next round registers again.
func isConnErr(err error) bool {
	for _, target := range []error{
		zk.ErrConnectionClosed, zk.ErrNoServer, zk.ErrClosing, zk.ErrSessionExpired,
		zk.ErrSessionMoved, context.DeadlineExceeded, context.Canceled,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// wrap names the operation and marks connection-class errors as
// reporter.ErrNotConnected, keeping the cause for errors.Is.
func wrap(op, path string, err error) error {
	if err == nil {
		return nil
	}
	if isConnErr(err) {
		return fmt.Errorf("zookeeper %s %s: %w: %w", op, path, reporter.ErrNotConnected, err)
	}
	if errors.Is(err, zk.ErrNoAuth) {
		return fmt.Errorf("zookeeper %s %s: %w (the znode's ACL does not let this nerve's identity write: check zk_auth and the ACLs of zk_path's nodes)", op, path, err)
	}
	return fmt.Errorf("zookeeper %s %s: %w", op, path, err)
}

// connected is the original's `@zk.connected?`: only a live session can
// serve a request now; anything else would queue it until a reconnect.
func connected(c zk.Client) bool { return c != nil && c.State() == zk.StateHasSession }

var errNotConnected = fmt.Errorf("zookeeper: %w", reporter.ErrNotConnected)
