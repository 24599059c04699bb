package zk

import (
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"sync"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// WatchMode is how a ChildrenWatcher watches its znode.
type WatchMode string

const (
	// WatchClassic holds a one-shot child watch on the znode plus a
	// one-shot data watch on each child: one watch per backend on the
	// server, re-armed after each event. Works with every server. The
	// zero value means this.
	WatchClassic WatchMode = "classic"
	// WatchPersistent holds one persistent recursive watch on the znode
	// (ZooKeeper 3.6+) and applies its events: one watch per service.
	WatchPersistent WatchMode = "persistent"
	// WatchAuto is WatchPersistent where the server supports it (its
	// version by `srvr`, else whether it accepts addWatch), WatchClassic
	// elsewhere.
	WatchAuto WatchMode = "auto"
)

// ParseWatchMode accepts "auto", "persistent" or "classic".
func ParseWatchMode(s string) (WatchMode, error) {
	switch m := WatchMode(s); m {
	case WatchAuto, WatchPersistent, WatchClassic:
		return m, nil
	}
	return "", fmt.Errorf("unknown watch mode %q (want auto, persistent or classic)", s)
}

// persistentWatcher is a Client that can hold persistent recursive watches
// whose events its router delivers (Conn is).
type persistentWatcher interface {
	childRouter
	// pathEvents subscribes b to the events of path itself.
	pathEvents(path string, b *inbox) func()
	addRecursiveWatch(path string) error
	// holdRecursive and releaseRecursive count the watchers of path in
	// persistent mode; the last release removes the watch.
	holdRecursive(path string)
	releaseRecursive(path string)
	// persistentSupport reports what is known of the server: +1 supports
	// persistent watches, -1 does not, 0 unknown.
	persistentSupport() int
	refusedPersistent()
}

// errPersistentRefused: the server does not know addWatch (before 3.6) or
// cannot hold such a watch.
var errPersistentRefused = errors.New("server refuses persistent watches (ZooKeeper before 3.6, or WatchManagerOptimized)")

func (c *Conn) addRecursiveWatch(path string) error {
	err := c.zc.AddWatch(path, true)
	// Unimplemented: before 3.6. MarshallingError: a server whose watch
	// manager has no modes (WatchManagerOptimized).
	if errors.Is(err, gozk.ErrUnimplemented) || errors.Is(err, gozk.ErrMarshallingError) {
		c.refusedPersistent()
		return fmt.Errorf("add watch: %w", errPersistentRefused)
	}
	if err != nil {
		return fmt.Errorf("add watch: %w", err)
	}
	return nil
}

// recursiveRefs counts a Conn's watchers in persistent mode per path. The
// server keeps one watch per path and session however often it is added,
// so the last watcher to stop removes it; otherwise it would outlive its
// watcher for the life of the connection, re-sent after every reconnect.
type recursiveRefs struct {
	mu sync.Mutex // held across the removal, so a new add cannot overtake it
	n  map[string]int
}

func (c *Conn) holdRecursive(path string) {
	c.rrefs.mu.Lock()
	defer c.rrefs.mu.Unlock()
	if c.rrefs.n == nil {
		c.rrefs.n = map[string]int{}
	}
	c.rrefs.n[path]++
}

func (c *Conn) releaseRecursive(path string) {
	c.rrefs.mu.Lock()
	defer c.rrefs.mu.Unlock()
	if c.rrefs.n[path]--; c.rrefs.n[path] > 0 {
		return
	}
	delete(c.rrefs.n, path)
	c.probe.mu.Lock()
	refused := c.probe.support < 0
	c.probe.mu.Unlock()
	if refused || c.zc.State() != StateHasSession {
		// Refused: there is no watch, and an old server may close the
		// connection on a request it does not know. Disconnected: a request
		// would wait for the reconnect; the server forgets the watch with
		// the connection, so not re-sending it is enough.
		c.zc.ForgetPersistentWatch(path)
		return
	}
	// Removes the one-shot watches of this session on path too (servers
	// before 3.9 know no narrower removal); a watcher holding one takes the
	// EventNotWatching as a reason to re-read and re-arm.
	if err := c.zc.RemoveAllWatches(path); err != nil && !errors.Is(err, gozk.ErrNoWatcher) {
		c.zc.ForgetPersistentWatch(path)
	}
}

func (c *Conn) pathEvents(path string, b *inbox) func() {
	return c.router.subscribeExact(path, b)
}

// versionProbe remembers what the connected server said about persistent
// watches; one probe per Conn (an ensemble is upgraded member by member,
// but a refused addWatch corrects a stale answer).
type versionProbe struct {
	once    sync.Once
	mu      sync.Mutex
	support int
}

func (c *Conn) persistentSupport() int {
	p := &c.probe
	p.once.Do(func() {
		s := probeSupport(c.zc.Server())
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.support == 0 {
			p.support = s
		}
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.support
}

func (c *Conn) refusedPersistent() {
	c.probe.mu.Lock()
	defer c.probe.mu.Unlock()
	c.probe.support = -1
}

var srvrVersion = regexp.MustCompile(`Zookeeper version: (\d+)\.(\d+)\.`)

// probeSupport asks server (host:port) `srvr`, whitelisted by default
// since 3.5.3; 0 when it cannot tell (TLS port, refused, no answer).
func probeSupport(server string) int {
	c, err := net.DialTimeout("tcp", server, time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, "srvr"); err != nil {
		return 0
	}
	b, _ := io.ReadAll(io.LimitReader(c, 4096))
	return supportFromSrvr(string(b))
}

func supportFromSrvr(out string) int {
	m := srvrVersion.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	if major > 3 || (major == 3 && minor >= 6) {
		return 1
	}
	return -1
}
