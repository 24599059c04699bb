package testutil

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRedisMissingBinary(t *testing.T) {
	err := redisCheckDeps("no-such-redis-server")
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y redis-server") {
		t.Fatalf("got %v, want an error with the install command", err)
	}
}

func TestRedisStartStop(t *testing.T) {
	r := StartRedis(t)
	if err := redisPing(r.Addr()); err != nil {
		t.Fatalf("started server does not answer: %v", err)
	}
	pid := r.PID()
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	if r.PID() != 0 {
		t.Fatal("PID after Stop is not 0")
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("redis-server pid %d still exists after Stop (kill 0: %v)", pid, err)
	}
	if c, err := net.DialTimeout("tcp", r.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("port still accepts after Stop")
	}
	if err := r.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestRedisExtraArgsAndPause(t *testing.T) {
	r := StartRedis(t, "--requirepass", "secret")
	if err := r.Pause(); err != nil {
		t.Fatal(err)
	}
	err := redisPing(r.Addr())
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("paused server: got %v, want a read timeout", err)
	}
	if err := r.Resume(); err != nil {
		t.Fatal(err)
	}
	Eventually(t, 5*time.Second, func() error {
		line, err := redisPingReply(r.Addr())
		if err == nil && !strings.HasPrefix(line, "-NOAUTH") {
			t.Fatalf("PING without AUTH: got %q, want -NOAUTH (was --requirepass passed?)", line)
		}
		return err
	})
}
