package testutil

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

func itoa(i int) string { return strconv.Itoa(i) }

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// zkEvents connects a raw go-zookeeper client and collects its session
// states; the event channel is drained continuously so nothing is dropped.
type zkEvents struct {
	conn   *zk.Conn
	states chan zk.State
}

func dialZK(t *testing.T, servers []string, timeout time.Duration) *zkEvents {
	t.Helper()
	c, ch, err := zk.Connect(servers, timeout, zk.WithLogger(quietLogger{}))
	if err != nil {
		t.Fatal(err)
	}
	e := &zkEvents{conn: c, states: make(chan zk.State, 100)}
	go func() {
		for ev := range ch {
			if ev.Type == zk.EventSession {
				e.states <- ev.State
			}
		}
	}()
	t.Cleanup(c.Close)
	Eventually(t, 10*time.Second, func() error {
		if s := c.State(); s != zk.StateHasSession {
			return fmt.Errorf("client state %v", s)
		}
		return nil
	})
	return e
}

// waitState reads states until want arrives.
func (e *zkEvents) waitState(t *testing.T, want zk.State, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case s := <-e.states:
			if s == want {
				return
			}
		case <-deadline:
			t.Fatalf("no %v session state within %s", want, timeout)
		}
	}
}

func TestZKCheckDepsSaysHowToInstall(t *testing.T) {
	for _, tc := range []struct{ name, java, jar string }{
		{"no java", "java-that-does-not-exist", zkJar},
		{"no jar", "java", "/nonexistent/zookeeper.jar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := zkCheckDeps(tc.java, tc.jar)
			if err == nil || !strings.Contains(err.Error(), "make deps") ||
				!strings.Contains(err.Error(), "apt-get install -y zookeeper") {
				t.Fatalf("got %v, want an error naming the install commands", err)
			}
		})
	}
}

func TestZooKeeperStandalone(t *testing.T) {
	z := StartZooKeeper(t)
	if m, err := z.Mode(0); err != nil || m != "standalone" {
		t.Fatalf("mode = %q, %v; want standalone", m, err)
	}
	cfg, err := os.ReadFile(z.nodes[0].cfgPath())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "clientPortAddress=127.0.0.1\n") || !strings.HasPrefix(z.Addr(0), "127.0.0.1:") {
		t.Fatalf("not loopback only: addr %s, config:\n%s", z.Addr(0), cfg)
	}
	if tail := z.LogTail(0, 200); !strings.Contains(tail, "binding to port") {
		t.Fatalf("log tail lacks the server's start-up lines:\n%s", tail)
	}

	c := dialZK(t, z.Addrs(), 2*time.Second).conn
	if _, err := c.Create("/kept", []byte("v"), 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}

	t.Run("restart keeps data and ports", func(t *testing.T) {
		z.StopNode(t, 0)
		if _, err := z.Mode(0); err == nil {
			t.Fatal("stopped node still answers srvr")
		}
		z.StartNode(t, 0)
		Eventually(t, 10*time.Second, func() error {
			data, _, err := c.Get("/kept")
			if err != nil {
				return err
			}
			if string(data) != "v" {
				return fmt.Errorf("data %q after restart", data)
			}
			return nil
		})
	})

	t.Run("expire session through proxy", func(t *testing.T) {
		testExpireSession(t, z)
	})
}

func testExpireSession(t *testing.T, z *ZooKeeper) {
	p := NewTCPProxy(t, z.Addr(0))
	e := dialZK(t, []string{p.Addr()}, time.Second)
	c := e.conn
	if _, err := c.Create("/eph", nil, zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	old := c.SessionID()
	if alive, err := z.HasSession(old); err != nil || !alive {
		t.Fatalf("HasSession(live session) = %v, %v", alive, err)
	}
	start := time.Now()
	blocked := z.ExpireSession(t, p, old)
	if blocked < 900*time.Millisecond {
		t.Fatalf("session expired after %s, before its 1s timeout: not a real expiry", blocked)
	}
	e.waitState(t, zk.StateExpired, 10*time.Second)
	e.waitState(t, zk.StateHasSession, 10*time.Second)
	t.Logf("expiry forced in %s (blocked %s)", time.Since(start), blocked)
	if sid := c.SessionID(); sid == old || sid == 0 {
		t.Fatalf("session id %x after expiry, want a new one (old %x)", sid, old)
	}
	// Eventually: a 1s session on a loaded machine may blip again.
	Eventually(t, 10*time.Second, func() error {
		if ok, _, err := c.Exists("/eph"); err != nil || ok {
			return fmt.Errorf("ephemeral exists=%v err=%v after expiry, want it gone", ok, err)
		}
		return nil
	})
}

func TestZooKeeperRetriesOnPortTaken(t *testing.T) {
	requireZooKeeper(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port
	calls := 0
	pick := func(n int) ([]int, error) {
		calls++
		ports, err := zkFreePorts(n)
		if calls == 1 {
			ports[0] = takenPort // lose the race on the first attempt
		}
		return ports, err
	}
	z, err := startZooKeeper(t.TempDir(), 1, pick)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Stop()
	if calls != 2 || z.nodes[0].clientPort == takenPort {
		t.Fatalf("%d port picks, client port %d (taken %d); want one retry on fresh ports", calls, z.nodes[0].clientPort, takenPort)
	}
	if m, err := z.Mode(0); err != nil || m != "standalone" {
		t.Fatalf("mode %q, %v after retry", m, err)
	}
}

func TestZooKeeperEnsembleFailover(t *testing.T) {
	z := StartZooKeeperEnsemble(t, 3)
	if modes := ensembleModes(t, z); modes["leader"] != 1 || modes["follower"] != 2 {
		t.Fatalf("modes %v, want one leader and two followers", modes)
	}
	if got := strings.Count(z.ConnectString(), ","); got != 2 {
		t.Fatalf("connect string %q, want 3 addresses", z.ConnectString())
	}
	c := dialZK(t, z.Addrs(), 2*time.Second).conn

	old := z.Leader()
	z.StopNode(t, old)
	Eventually(t, 20*time.Second, func() error {
		if l := z.Leader(); l == -1 || l == old {
			return fmt.Errorf("no new leader yet (got %d)", l)
		}
		return nil
	})
	Eventually(t, 20*time.Second, func() error {
		_, err := c.Create("/while-down", []byte("x"), 0, zk.WorldACL(zk.PermAll))
		if err == zk.ErrNodeExists {
			return nil
		}
		return err
	})

	z.StartNode(t, old)
	if m, err := z.Mode(old); err != nil || m != "follower" {
		t.Fatalf("restarted node mode %q, %v; want follower", m, err)
	}
	only := dialZK(t, []string{z.Addr(old)}, 2*time.Second).conn
	if _, err := only.Sync("/while-down"); err != nil {
		t.Fatal(err)
	}
	if data, _, err := only.Get("/while-down"); err != nil || string(data) != "x" {
		t.Fatalf("restarted node reads %q, %v; want the write made while it was down", data, err)
	}
	// Followers list sessions too ("Global Sessions"), so expiry is seen
	// whichever node the client uses.
	t.Run("expire session", func(t *testing.T) { testExpireSession(t, z) })
}

func ensembleModes(t *testing.T, z *ZooKeeper) map[string]int {
	t.Helper()
	modes := map[string]int{}
	for i := 0; i < z.Size(); i++ {
		m, err := z.Mode(i)
		if err != nil {
			t.Fatal(err)
		}
		modes[m]++
	}
	return modes
}
