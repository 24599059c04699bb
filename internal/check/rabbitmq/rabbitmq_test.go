package rabbitmq

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// One broker for the package: it takes seconds to start.
func TestMain(m *testing.M) { os.Exit(testutil.RabbitMQMain(m)) }

func decoder(src string) check.Decoder {
	return func(into any) error { return yaml.Unmarshal([]byte(src), into) }
}

func build(t *testing.T, addr, yamlSrc string, timeout time.Duration) check.Check {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	var p int
	fmt.Sscan(port, &p)
	c, err := check.New(check.Common{Type: "rabbitmq", Host: host, Port: p, Timeout: timeout},
		decoder("type: rabbitmq\n"+yamlSrc))
	if err != nil {
		t.Fatalf("new rabbitmq check: %v", err)
	}
	return c
}

// channel is the test's own AMQP channel to the broker, to look at the
// queue the check uses.
func channel(t *testing.T, url string) *amqp.Channel {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestHealthy(t *testing.T) {
	start := time.Now()
	b := testutil.SharedRabbitMQ(t)
	t.Logf("shared broker ready after %s", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	defer func() { t.Logf("one round took %s", time.Since(start).Round(time.Millisecond)) }()
	if err := build(t, b.Addr(), "", 5*time.Second).Check(context.Background()); err != nil {
		t.Fatalf("want healthy, got %v", err)
	}
	q, err := channel(t, b.URL()).QueueDeclarePassive(queue, false, false, false, false, nil)
	if err != nil {
		t.Fatalf("the check's queue %q: %v", queue, err)
	}
	if q.Messages != 0 {
		t.Fatalf("queue %q holds %d messages, want the test message fetched and acked", queue, q.Messages)
	}
}

// With a message already queued the check fetches that one and leaves its
// own, which shows what it publishes.
func TestPublishedMessage(t *testing.T) {
	b := testutil.SharedRabbitMQ(t)
	ch := channel(t, b.URL())
	if _, err := ch.QueueDeclare(queue, false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.Publish("", queue, false, false, amqp.Publishing{Body: []byte("earlier")}); err != nil {
		t.Fatal(err)
	}
	if err := build(t, b.Addr(), "", 5*time.Second).Check(context.Background()); err != nil {
		t.Fatalf("want healthy, got %v", err)
	}
	d, ok, err := ch.Get(queue, true)
	if err != nil || !ok {
		t.Fatalf("get the check's message: ok %v, %v", ok, err)
	}
	if string(d.Body) != message || d.Expiration != "2000" {
		t.Fatalf("check published body %q expiration %q, want %q and 2000 ms", d.Body, d.Expiration, message)
	}
}

// The connection is closed after every round, healthy or not: no socket of
// ours stays connected to the broker. GC is off so that a leaked connection
// is not closed by a finalizer behind the test's back. (A refused login
// takes 3 s: the broker delays its answer.)
func TestConnectionClosed(t *testing.T) {
	b := testutil.SharedRabbitMQ(t)
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	good := build(t, b.Addr(), "", 5*time.Second)
	for i := 0; i < 3; i++ {
		if err := good.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	err := build(t, b.Addr(), "username: guest\npassword: wrong", 5*time.Second).Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "username or password not allowed") {
		t.Fatalf("wrong password: got %v, want an authentication failure", err)
	}
	testutil.Eventually(t, 5*time.Second, func() error {
		if n := established(t, b.Port); n != 0 {
			return fmt.Errorf("%d connections to the broker still established", n)
		}
		return nil
	})
}

// established counts this host's established TCP connections whose remote
// port is port, from /proc/net/tcp{,6}.
func established(t *testing.T, port int) int {
	t.Helper()
	n := 0
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fields := strings.Fields(sc.Text()) // sl local rem st ...
			if len(fields) > 3 && fields[3] == "01" && strings.HasSuffix(fields[2], fmt.Sprintf(":%04X", port)) {
				n++
			}
		}
		fh.Close()
	}
	return n
}

func TestRefused(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	err = build(t, addr, "", time.Second).Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("got %v, want connection refused", err)
	}
}
