package zk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// Aliases so the daemons import this package alone; they are the library's
// own types and values, so errors.Is and type switches keep working.
type (
	Stat  = gozk.Stat
	Event = gozk.Event
	ACL   = gozk.ACL
	State = gozk.State
)

// Errors, flags and event types the daemons test for.
var (
	ErrNoNode           = gozk.ErrNoNode
	ErrNodeExists       = gozk.ErrNodeExists
	ErrBadVersion       = gozk.ErrBadVersion
	ErrNotEmpty         = gozk.ErrNotEmpty
	ErrSessionExpired   = gozk.ErrSessionExpired
	ErrConnectionClosed = gozk.ErrConnectionClosed
	ErrNoServer         = gozk.ErrNoServer
	ErrClosing          = gozk.ErrClosing
	ErrSessionMoved     = gozk.ErrSessionMoved
	ErrNoAuth           = gozk.ErrNoAuth
)

const (
	FlagEphemeral = gozk.FlagEphemeral
	FlagSequence  = gozk.FlagSequence
	PermRead      = gozk.PermRead
	PermAll       = gozk.PermAll

	EventNodeCreated         = gozk.EventNodeCreated
	EventNodeDeleted         = gozk.EventNodeDeleted
	EventNodeDataChanged     = gozk.EventNodeDataChanged
	EventNodeChildrenChanged = gozk.EventNodeChildrenChanged
	EventNotWatching         = gozk.EventNotWatching

	// StateHasSession is State() while a session is established and the
	// connection is up: what "connected" means for health reporting.
	StateHasSession = gozk.StateHasSession
)

// OpenACL is world:anyone with every permission, what nerve and synapse
// create znodes with when no credential is configured.
var OpenACL = gozk.WorldACL(gozk.PermAll)

// Client is the part of a ZooKeeper connection the daemons use. *Conn
// implements it; unit tests elsewhere can use a fake. The watch channels
// deliver one event and are then closed (ZooKeeper watches are one-shot).
type Client interface {
	Get(path string) ([]byte, *Stat, error)
	GetW(path string) ([]byte, *Stat, <-chan Event, error)
	Children(path string) ([]string, *Stat, error)
	ChildrenW(path string) ([]string, *Stat, <-chan Event, error)
	Exists(path string) (bool, *Stat, error)
	ExistsW(path string) (bool, *Stat, <-chan Event, error)
	Create(path string, data []byte, flags int32, acl []ACL) (string, error)
	Set(path string, data []byte, version int32) (*Stat, error)
	Delete(path string, version int32) error
	State() State
	SessionID() int64
	// Sessions streams session state changes until ctx ends or the
	// connection closes, then closes the channel.
	Sessions(ctx context.Context) <-chan SessionEvent
}

// EnsurePath creates path and its missing parents as persistent znodes with
// empty data and OpenACL. Nodes that already exist, whoever made them, are
// fine.
func EnsurePath(ctx context.Context, c Client, path string) error {
	return EnsurePathACL(ctx, c, path, OpenACL)
}

// EnsurePathACL is EnsurePath giving the znodes it creates acl. The ACL of
// nodes that already exist is left as it is.
func EnsurePathACL(ctx context.Context, c Client, path string, acl []ACL) error {
	if err := validatePath(path); err != nil {
		return err
	}
	if path == "/" {
		return nil
	}
	parts := strings.Split(path[1:], "/")
	for i := range parts {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ensure path %s: %w", path, err)
		}
		p := "/" + strings.Join(parts[:i+1], "/")
		_, err := c.Create(p, nil, 0, acl)
		if errors.Is(err, ErrNoAuth) {
			// ZooKeeper checks the parent's ACL before existence: under a
			// parent we may not write, an existing node answers NoAuth.
			if ok, _, xerr := c.Exists(p); xerr == nil && ok {
				err = nil
			}
		}
		if err != nil && !errors.Is(err, ErrNodeExists) {
			return fmt.Errorf("ensure path %s: create %s: %w", path, p, err)
		}
	}
	return nil
}

func validatePath(path string) error {
	switch {
	case !strings.HasPrefix(path, "/"):
		return fmt.Errorf("znode path %q must start with /", path)
	case path != "/" && strings.HasSuffix(path, "/"):
		return fmt.Errorf("znode path %q must not end with /", path)
	case strings.Contains(path, "//"):
		return fmt.Errorf("znode path %q has an empty component", path)
	}
	return nil
}

// ClientCloser is a Client its owner closes: *Conn, or a fake in unit
// tests. Connection pools hold these.
type ClientCloser interface {
	Client
	Close()
}

// DialFunc opens a connection; pools take one so tests can dial fakes.
type DialFunc func(ctx context.Context, servers []string, opts Options) (ClientCloser, error)

// Dial is the DialFunc of real connections: Connect.
func Dial(ctx context.Context, servers []string, opts Options) (ClientCloser, error) {
	c, err := Connect(ctx, servers, opts)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return c, nil
}
