package testutil

import (
	"fmt"
	"os"
	"syscall"
)

// StartZooKeeperEnsembleProcess is StartZooKeeperProcess for n servers
// forming one ensemble, for tools such as test/soak. The caller must call
// Stop, which also removes the data dirs.
func StartZooKeeperEnsembleProcess(n int) (*ZooKeeper, error) {
	if err := ZooKeeperInstalled(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "testutil-zookeeper-")
	if err != nil {
		return nil, fmt.Errorf("zookeeper temp dir: %w", err)
	}
	z, err := startZooKeeper(dir, n, zkFreePorts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	z.ownDir = true
	return z, nil
}

// KillNode is StopNode without a test: node i stopped by PID, its ports
// and data dir kept for RestartNode.
func (z *ZooKeeper) KillNode(i int) error {
	if z.shared {
		return fmt.Errorf("the shared ZooKeeper's nodes are not to be stopped")
	}
	return z.nodes[i].stop()
}

// RestartNode is StartNode without a test: node i started again and
// serving (in an ensemble: rejoined a quorum).
func (z *ZooKeeper) RestartNode(i int) error {
	if ok, _ := z.nodes[i].running(); ok {
		return fmt.Errorf("zookeeper node %d is already running", i)
	}
	if err := z.nodes[i].start(); err != nil {
		return fmt.Errorf("restart zookeeper node %d: %w", i, err)
	}
	if err := z.nodes[i].waitServing(zkReadyTimeout); err != nil {
		return fmt.Errorf("restarted zookeeper node %d not serving: %w", i, err)
	}
	return nil
}

// FreezeAll stops every node with SIGSTOP: the processes stay, their
// sockets stay open, and nothing answers, as on a host that hangs. ThawAll
// resumes them. Sessions whose timeout passes meanwhile expire once the
// ensemble runs again.
func (z *ZooKeeper) FreezeAll() error { return z.signalAll(syscall.SIGSTOP) }

// ThawAll resumes the nodes FreezeAll stopped (SIGCONT) and waits until
// every one serves again.
func (z *ZooKeeper) ThawAll() error {
	if err := z.signalAll(syscall.SIGCONT); err != nil {
		return err
	}
	for i, n := range z.nodes {
		if err := n.waitServing(zkReadyTimeout); err != nil {
			return fmt.Errorf("thawed zookeeper node %d not serving: %w", i, err)
		}
	}
	return nil
}

func (z *ZooKeeper) signalAll(sig syscall.Signal) error {
	if z.shared {
		return fmt.Errorf("the shared ZooKeeper's nodes are not to be signalled")
	}
	for i, n := range z.nodes {
		n.mu.Lock()
		cmd := n.cmd
		n.mu.Unlock()
		if cmd == nil {
			return fmt.Errorf("zookeeper node %d is not running", i)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			return fmt.Errorf("zookeeper node %d: signal %v: %w", i, sig, err)
		}
	}
	return nil
}
