package testutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Debian's layout: the jar's manifest Class-Path names every dependency, so
// the classpath only needs the jar and an slf4j binding for the log.
const (
	zkJar           = "/usr/share/java/zookeeper.jar"
	zkSlf4jSimple   = "/usr/share/java/slf4j-simple.jar"
	zkMainClass     = "org.apache.zookeeper.server.quorum.QuorumPeerMain"
	zkInstallHint   = "run `make deps` (or `apt-get install -y zookeeper`)"
	zkStopGrace     = 5 * time.Second
	zkReadyTimeout  = 60 * time.Second
	zkTickTime      = 200 * time.Millisecond
	zkMinSessionTTL = 2 * zkTickTime
)

// zkNode is one ZooKeeper server process. Its ports and data dir survive a
// stop, so a restarted node rejoins the ensemble as the same member.
type zkNode struct {
	id                                 int
	clientPort, peerPort, electionPort int
	dir                                string
	tls                                *ZKTLS // with securePort, the TLS listener
	securePort                         int

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed by the goroutine that waits for cmd
	logf   *os.File
}

func (n *zkNode) addr() string    { return "127.0.0.1:" + strconv.Itoa(n.clientPort) }
func (n *zkNode) logPath() string { return filepath.Join(n.dir, "server.log") }
func (n *zkNode) cfgPath() string { return filepath.Join(n.dir, "zoo.cfg") }

// writeConfig writes zoo.cfg and myid. Every listener is on loopback: the
// client port through clientPortAddress, the quorum ports through the
// server.N lines (quorumListenOnAllIPs stays false).
func (n *zkNode) writeConfig(peers []*zkNode) error {
	data := filepath.Join(n.dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return fmt.Errorf("create zookeeper data dir: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "tickTime=%d\ninitLimit=20\nsyncLimit=10\n", zkTickTime.Milliseconds())
	fmt.Fprintf(&b, "dataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\n", data, n.clientPort)
	fmt.Fprintf(&b, "minSessionTimeout=%d\nmaxSessionTimeout=60000\nmaxClientCnxns=0\n", zkMinSessionTTL.Milliseconds())
	b.WriteString("admin.enableServer=false\n4lw.commands.whitelist=*\n")
	if len(peers) > 1 {
		for _, p := range peers {
			fmt.Fprintf(&b, "server.%d=127.0.0.1:%d:%d\n", p.id, p.peerPort, p.electionPort)
		}
		myid := filepath.Join(data, "myid")
		if err := os.WriteFile(myid, []byte(strconv.Itoa(n.id)+"\n"), 0o644); err != nil {
			return fmt.Errorf("write zookeeper myid: %w", err)
		}
	}
	if n.tls != nil {
		if err := n.tls.writeConfig(&b, n.dir, n.securePort); err != nil {
			return err
		}
	}
	if err := os.WriteFile(n.cfgPath(), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write zoo.cfg: %w", err)
	}
	return nil
}

// start launches the JVM. The log file is appended to, so after a restart
// its tail still shows why the previous run ended.
func (n *zkNode) start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil {
		return fmt.Errorf("zookeeper node %d already running", n.id)
	}
	logf, err := os.OpenFile(n.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open zookeeper log: %w", err)
	}
	fmt.Fprintf(logf, "=== testutil: starting zookeeper node %d at %s\n", n.id, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command("java", zkJVMArgs(n.cfgPath(), n.tls != nil)...)
	cmd.Dir = n.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childSysProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start java: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // the exit status is in the log; stop() only needs "gone"
		close(exited)
	}()
	n.cmd, n.exited, n.logf = cmd, exited, logf
	return nil
}

func zkJVMArgs(cfg string, netty bool) []string {
	cp := zkJar
	if _, err := os.Stat(zkSlf4jSimple); err == nil {
		cp += ":" + zkSlf4jSimple
	}
	if netty {
		// The jar's manifest lists only part of what Netty's TLS needs.
		cp += ":" + strings.Join(zkNettyJars, ":")
	}
	// Small heap, serial GC and C1 only: tests run several JVMs on 2 cores and
	// care about start-up, not throughput. forceSync=no skips an fsync per
	// write, which a throwaway data dir does not need.
	return []string{
		"-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
		"-Djava.net.preferIPv4Stack=true", "-Dzookeeper.forceSync=no",
		"-Dorg.slf4j.simpleLogger.showDateTime=true",
		"-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
		"-cp", cp, zkMainClass, cfg,
	}
}

// running reports whether the process is alive and returns its exit channel.
func (n *zkNode) running() (bool, chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return false, nil
	}
	select {
	case <-n.exited:
		return false, n.exited
	default:
		return true, n.exited
	}
}

// stop sends SIGTERM to the node's PID, then SIGKILL if it outlives the
// grace period. It never signals anything but the process it started.
func (n *zkNode) stop() error {
	n.mu.Lock()
	cmd, exited, logf := n.cmd, n.exited, n.logf
	n.cmd, n.exited, n.logf = nil, nil, nil
	n.mu.Unlock()
	if cmd == nil {
		return nil
	}
	defer logf.Close()
	_ = cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited
	select {
	case <-exited:
		return nil
	case <-time.After(zkStopGrace):
	}
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill zookeeper node %d (pid %d): %w", n.id, cmd.Process.Pid, err)
	}
	<-exited
	return nil
}

// waitServing polls `srvr` until the node answers with a Mode line: `ruok`
// says imok before the server serves requests, `srvr` does not.
func (n *zkNode) waitServing(timeout time.Duration) error {
	return zkPoll(timeout, func() error {
		if ok, _ := n.running(); !ok {
			return errZKExited
		}
		mode, err := zkMode(n.addr())
		if err != nil {
			return fmt.Errorf("zookeeper node %d not serving yet: %w", n.id, err)
		}
		if mode == "" {
			return fmt.Errorf("zookeeper node %d has no mode yet", n.id)
		}
		return nil
	})
}

var errZKExited = errors.New("zookeeper process exited")

// bindRace reports whether the node's log says a port was taken, the one
// start failure worth retrying on fresh ports.
func (n *zkNode) bindRace() bool {
	b, err := os.ReadFile(n.logPath())
	return err == nil && bindRace(string(b))
}

// logTail returns the last lines of the node's log.
func (n *zkNode) logTail(lines int) string {
	f, err := os.Open(n.logPath())
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(read log: %v)", err)
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
