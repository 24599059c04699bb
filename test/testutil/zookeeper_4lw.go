package testutil

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

const zk4lwTimeout = 2 * time.Second

// zkFourLetter sends a four-letter-word command and returns the reply.
func zkFourLetter(addr, cmd string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, zk4lwTimeout)
	if err != nil {
		return "", fmt.Errorf("dial %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(zk4lwTimeout)); err != nil {
		return "", fmt.Errorf("set deadline: %w", err)
	}
	if _, err := io.WriteString(c, cmd); err != nil {
		return "", fmt.Errorf("send %s to %s: %w", cmd, addr, err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return "", fmt.Errorf("read %s reply from %s: %w", cmd, addr, err)
	}
	return string(b), nil
}

// zkMode returns the "Mode:" of `srvr` (standalone, leader, follower), or ""
// while the server is up but not serving (starting, electing a leader).
func zkMode(addr string) (string, error) {
	out, err := zkFourLetter(addr, "srvr")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(out, "\n") {
		if mode, ok := strings.CutPrefix(line, "Mode: "); ok {
			return strings.TrimSpace(mode), nil
		}
	}
	return "", nil
}

// zkDumpHasSession reports whether a `dump` reply lists the session. The
// session tracker section prints ids as 0x<lower-case hex>.
func zkDumpHasSession(dump string, sessionID int64) bool {
	want := "0x" + strconv.FormatUint(uint64(sessionID), 16)
	for _, f := range strings.Fields(dump) {
		f = strings.TrimSuffix(f, ":")
		if f == want {
			return true
		}
	}
	return false
}

// zkPollInterval is slower than Poll's: every probe is a TCP connection that
// the server logs, and a flood of them would bury the lines a failure needs.
const zkPollInterval = 50 * time.Millisecond

// zkPoll is Poll with zkPollInterval that gives up at once when the process
// it waits for has exited.
func zkPoll(timeout time.Duration, cond func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil || errors.Is(err, errZKExited) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(zkPollInterval)
	}
}
