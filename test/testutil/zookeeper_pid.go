package testutil

import "fmt"

// PID returns node i's process id, for tools that inspect the JVM
// (jcmd); an error when the node is not running.
func (z *ZooKeeper) PID(i int) (int, error) {
	n := z.nodes[i]
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil || n.cmd.Process == nil {
		return 0, fmt.Errorf("zookeeper node %d is not running", i)
	}
	return n.cmd.Process.Pid, nil
}
