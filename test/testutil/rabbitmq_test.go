package testutil

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func TestRabbitMQMissingBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no epmd on an empty PATH
	err := RabbitMQInstalled()
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y rabbitmq-server") {
		t.Fatalf("got %v, want an error with the install command", err)
	}
}

func TestRabbitMQStartStop(t *testing.T) {
	start := time.Now()
	r := StartRabbitMQ(t)
	t.Logf("rabbitmq ready in %s", time.Since(start).Round(time.Millisecond))

	conn, err := amqp.Dial(r.URL())
	if err != nil {
		t.Fatalf("dial the started broker: %v", err)
	}
	conn.Close()
	if st, err := os.ReadFile("/proc/" + strconv.Itoa(r.PID()) + "/comm"); err != nil || !strings.HasPrefix(string(st), "beam") {
		t.Fatalf("PID %d is %q (%v), want the Erlang VM itself", r.PID(), st, err)
	}

	pids := []int{r.PID(), r.epmd.pid()}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("pid %d still exists after Stop (kill 0: %v)", pid, err)
		}
	}
	for _, addr := range []string{r.Addr(), net.JoinHostPort("127.0.0.1", strconv.Itoa(r.epmdPort))} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts after Stop", addr)
		}
	}
	if err := r.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestSharedRabbitMQNeedsMain(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	ft := &rabbitFatalRecorder{TB: t}
	done := make(chan struct{})
	go func() { // Fatal ends the goroutine with Goexit, as in a real test
		defer close(done)
		SharedRabbitMQ(ft)
	}()
	<-done
	if !strings.Contains(ft.msg, "RabbitMQMain") {
		t.Fatalf("got %q, want the TestMain hint", ft.msg)
	}
}

// rabbitFatalRecorder records a Fatal instead of failing the test.
type rabbitFatalRecorder struct {
	testing.TB
	msg string
}

func (r *rabbitFatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *rabbitFatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
