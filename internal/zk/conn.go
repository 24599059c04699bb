// Package zk is the session-aware ZooKeeper access shared by nerve and
// synapse, on top of github.com/go-zookeeper/zk.
//
// The library reconnects by itself and silently opens a new session after an
// expiry; what it does not do is tell its users in a usable form. Conn turns
// its state callbacks into a SessionEvent stream any number of consumers can
// follow (Sessions), and ChildrenWatcher keeps a children-plus-data view of
// one znode current across one-shot watches (or one persistent recursive
// watch on ZooKeeper 3.6+, see WatchMode), reconnects and new sessions.
package zk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// DefaultConnectTimeout is how long Connect waits for the first session, as
// the Ruby originals do.
const DefaultConnectTimeout = 5 * time.Second

// Options configure Connect.
type Options struct {
	// SessionTimeout is the session timeout asked of the server. Required:
	// it decides how long ephemerals outlive a partition.
	SessionTimeout time.Duration
	// ConnectTimeout bounds the wait for the first session (besides ctx);
	// 0 means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// PresumeExpiredAfter is how long a disconnect may last before the
	// session is reported presumed expired; 0 means SessionTimeout (the one
	// asked for: the library hides the negotiated value), negative never.
	PresumeExpiredAfter time.Duration
	// Logger receives session transitions and the library's messages; nil
	// discards them.
	Logger *slog.Logger
	// Auth, when set, is added to every session (the library re-sends it
	// after each reconnect and new session, before any queued request),
	// and the znodes CreateACL is used for get its ACL.
	Auth *Auth
	// TLS, when set, connects to the secure client port with it.
	TLS *TLS
}

// Identity tells connections apart that must not be shared although they
// go to the same servers: "" without Auth and TLS, else keyed hashes of
// both (never the secret). Pools key on servers plus Identity.
func (o Options) Identity() string {
	var parts []string
	if o.Auth != nil {
		parts = append(parts, "auth="+o.Auth.ID())
	}
	if o.TLS != nil {
		parts = append(parts, "tls="+o.TLS.ID())
	}
	return strings.Join(parts, " ")
}

// CreateACL is the ACL for znodes created on such a connection: readable by
// all and writable by Auth's identity alone, or OpenACL without Auth.
func (o Options) CreateACL() []ACL {
	if o.Auth == nil {
		return OpenACL
	}
	return o.Auth.ACL()
}

// Conn is a ZooKeeper connection with a session state stream. Close it when
// done; that also closes every Sessions channel.
type Conn struct {
	zc        *gozk.Conn
	tr        *tracker
	hub       *hub
	reads     chan struct{} // read slots shared by its ChildrenWatchers
	router    *router       // child watch events for its ChildrenWatchers
	probe     versionProbe  // persistent watch support (watchmode.go)
	rrefs     recursiveRefs // persistent watches in use (watchmode.go)
	multi     multiReadState
	closeOnce sync.Once
}

var _ Client = (*Conn)(nil)

// Connect dials the ensemble and waits until the first session is
// established, ctx ends or opts.ConnectTimeout passes. After that the
// library keeps reconnecting on its own until Close.
func Connect(ctx context.Context, servers []string, opts Options) (*Conn, error) {
	if opts.SessionTimeout <= 0 {
		return nil, errors.New("zk connect: session timeout must be positive")
	}
	log := opts.Logger
	if log == nil {
		log = discardLogger()
	}
	presume := opts.PresumeExpiredAfter
	if presume == 0 {
		presume = opts.SessionTimeout
	}
	h, rt := newHub(), newRouter()
	tr := newTracker(log, presume, h.publish)
	// The callback can fire before gozk.Connect returns; the first
	// HasSession waits (microseconds) until the connection is known.
	var zcp atomic.Pointer[gozk.Conn]
	ready := make(chan struct{})
	tr.sessionID = func() int64 { <-ready; return zcp.Load().SessionID() }
	// The event callback sees every event synchronously; the library's
	// global channel (6 slots, drops when full) is left unread on purpose.
	dialErrs := &dialErrors{}
	dialOpt, hostOpt := gozk.WithDialer(plainDialer(dialErrs)), gozk.WithHostProvider(gozk.NewDNSHostProvider())
	if opts.TLS != nil {
		dialOpt, hostOpt = gozk.WithDialer(opts.TLS.dialer(dialErrs)), gozk.WithHostProvider(&namedHosts{})
	}
	zc, _, err := gozk.Connect(servers, opts.SessionTimeout, dialOpt, hostOpt,
		gozk.WithLogger(slogPrintf{log}), gozk.WithEventCallback(func(ev gozk.Event) {
			tr.handle(ev)
			rt.route(ev)
		}))
	if err != nil {
		return nil, fmt.Errorf("zk connect %v: %w", servers, err)
	}
	zcp.Store(zc)
	close(ready)
	c := &Conn{zc: zc, tr: tr, hub: h, reads: make(chan struct{}, connReadSlots), router: rt}
	if err := c.start(ctx, servers, opts, dialErrs); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// start waits for the first session and adds the credential to it, all
// within one connect timeout.
func (c *Conn) start(ctx context.Context, servers []string, opts Options, dialErrs *dialErrors) error {
	timeout := opts.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-c.tr.firstUp:
	case <-ctx.Done():
		return fmt.Errorf("zk connect %v: %w%s", servers, ctx.Err(), lastDialErr(dialErrs))
	case <-timer.C:
		return fmt.Errorf("zk connect %v: no session within %s%s", servers, timeout, lastDialErr(dialErrs))
	}
	if opts.Auth == nil {
		return nil
	}
	if err := c.addAuth(ctx, opts.Auth, timer.C); err != nil {
		return fmt.Errorf("zk connect %v: add auth %s: %w", servers, opts.Auth, err)
	}
	return nil
}

func lastDialErr(d *dialErrors) string {
	if err := d.last(); err != nil {
		return " (last connection error: " + err.Error() + ")"
	}
	return ""
}

// addAuth sends the credential once; the library remembers it only when
// the server accepted it, and re-sends it on every later connection.
func (c *Conn) addAuth(ctx context.Context, a *Auth, expired <-chan time.Time) error {
	done := make(chan error, 1)
	go func() { done <- c.zc.AddAuth(a.scheme, a.cred) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		c.Close() // makes AddAuth return
		<-done
		return ctx.Err()
	case <-expired:
		c.Close()
		<-done
		return errors.New("no answer within the connect timeout")
	}
}

// Close ends the session (its ephemerals go at once), stops reporting and
// closes every Sessions channel. Requests in flight fail. Idempotent.
func (c *Conn) Close() {
	c.closeOnce.Do(func() {
		c.tr.close()
		c.zc.Close()
		c.hub.close()
	})
}

// Sessions returns a channel of every session state change from now on,
// closed when ctx ends or the Conn closes. Subscribe before acting on the
// session (creating ephemerals, arming watches) so no change is missed.
func (c *Conn) Sessions(ctx context.Context) <-chan SessionEvent { return c.hub.subscribe(ctx) }

// EnsurePath is the package function EnsurePath on this connection.
func (c *Conn) EnsurePath(ctx context.Context, path string) error { return EnsurePath(ctx, c, path) }

// Raw returns the underlying go-zookeeper connection for calls Client does
// not cover (Multi, CreateProtectedEphemeralSequential). Do not Close it.
func (c *Conn) Raw() *gozk.Conn { return c.zc }

// State returns the library's connection state.
func (c *Conn) State() State { return c.zc.State() }

// SessionID returns the current session id, 0 while there is none.
func (c *Conn) SessionID() int64 { return c.zc.SessionID() }

// Get returns a znode's data.
func (c *Conn) Get(path string) ([]byte, *Stat, error) { return c.zc.Get(path) }

// GetW is Get plus a one-shot data watch.
func (c *Conn) GetW(path string) ([]byte, *Stat, <-chan Event, error) { return c.zc.GetW(path) }

// Children returns a znode's child names.
func (c *Conn) Children(path string) ([]string, *Stat, error) { return c.zc.Children(path) }

// ChildrenW is Children plus a one-shot child watch.
func (c *Conn) ChildrenW(path string) ([]string, *Stat, <-chan Event, error) {
	return c.zc.ChildrenW(path)
}

// Exists reports whether a znode exists.
func (c *Conn) Exists(path string) (bool, *Stat, error) { return c.zc.Exists(path) }

// ExistsW is Exists plus a one-shot watch that also fires on creation.
func (c *Conn) ExistsW(path string) (bool, *Stat, <-chan Event, error) { return c.zc.ExistsW(path) }

// Create creates a znode and returns its actual path (sequence suffix).
func (c *Conn) Create(path string, data []byte, flags int32, acl []ACL) (string, error) {
	return c.zc.Create(path, data, flags, acl)
}

// Set replaces a znode's data if its version matches (-1: any).
func (c *Conn) Set(path string, data []byte, version int32) (*Stat, error) {
	return c.zc.Set(path, data, version)
}

// Delete removes a znode if its version matches (-1: any).
func (c *Conn) Delete(path string, version int32) error { return c.zc.Delete(path, version) }
