package testutil

import (
	"fmt"
	"testing"
	"time"
)

// StopNode stops node i by PID (SIGTERM, then SIGKILL after a grace period).
// Its ports and data dir are kept for StartNode.
func (z *ZooKeeper) StopNode(t testing.TB, i int) {
	t.Helper()
	z.checkOwned(t)
	if err := z.nodes[i].stop(); err != nil {
		t.Fatalf("%v\n%s", err, z.LogTail(i, 30))
	}
}

// StartNode restarts a stopped node i with the same ports and data dir and
// waits until it serves again (in an ensemble: rejoined a quorum).
func (z *ZooKeeper) StartNode(t testing.TB, i int) {
	t.Helper()
	z.checkOwned(t)
	if ok, _ := z.nodes[i].running(); ok {
		t.Fatalf("zookeeper node %d is already running", i)
	}
	if err := z.nodes[i].start(); err != nil {
		t.Fatalf("restart zookeeper node %d: %v", i, err)
	}
	if err := z.nodes[i].waitServing(zkReadyTimeout); err != nil {
		t.Fatalf("restarted zookeeper node %d not serving: %v\n%s", i, err, z.LogTail(i, 30))
	}
}

func (z *ZooKeeper) checkOwned(t testing.TB) {
	t.Helper()
	if z.shared {
		t.Fatal("the shared ZooKeeper serves the whole package; use StartZooKeeper or StartZooKeeperEnsemble to stop nodes")
	}
}

// Mode returns node i's role from `srvr`: "standalone", "leader" or
// "follower", or "" while it is not serving.
func (z *ZooKeeper) Mode(i int) (string, error) {
	return zkMode(z.nodes[i].addr())
}

// Leader returns the index of the node that is leader, or -1 if there is
// none (standalone counts as leader).
func (z *ZooKeeper) Leader() int {
	for i := range z.nodes {
		if m, err := z.Mode(i); err == nil && (m == "leader" || m == "standalone") {
			return i
		}
	}
	return -1
}

// HasSession reports whether any running node's session tracker still lists
// the session, i.e. whether the server side has not expired it yet.
func (z *ZooKeeper) HasSession(sessionID int64) (bool, error) {
	var lastErr error
	asked := 0
	for _, n := range z.nodes {
		if ok, _ := n.running(); !ok {
			continue
		}
		dump, err := zkFourLetter(n.addr(), "dump")
		if err != nil {
			lastErr = err
			continue
		}
		asked++
		if zkDumpHasSession(dump, sessionID) {
			return true, nil
		}
	}
	if asked == 0 {
		return false, fmt.Errorf("no zookeeper node answered dump: %v", lastErr)
	}
	return false, nil
}

// ExpireSession makes the server expire a client's session the way a network
// partition does: it blocks the proxy the client connects through (cutting
// its connection and holding reconnects), waits until no node lists the
// session any more, then unblocks. The client then reconnects, is told its
// session expired, and opens a new one. It takes about the negotiated session
// timeout plus one tick; the time the proxy was blocked is returned.
func (z *ZooKeeper) ExpireSession(t testing.TB, p *TCPProxy, sessionID int64) time.Duration {
	t.Helper()
	if sessionID == 0 {
		t.Fatal("ExpireSession: session id 0 (client not connected)")
	}
	start := time.Now()
	p.Block()
	defer p.Unblock()
	err := zkPoll(zkExpireTimeout, func() error {
		alive, err := z.HasSession(sessionID)
		if err != nil {
			return err
		}
		if alive {
			return fmt.Errorf("session 0x%x still alive on the server", sessionID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("session not expired after %s: %v\n%s", zkExpireTimeout, err, z.LogTails(20))
	}
	return time.Since(start)
}

// zkExpireTimeout bounds ExpireSession: the session timeout negotiated by a
// test is at most a few seconds, so anything longer means it is stuck.
const zkExpireTimeout = 30 * time.Second
