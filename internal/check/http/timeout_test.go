package http

import (
	"context"
	"errors"
	"fmt"
	nethttp "net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// silent is an HTTP server that accepts connections and never answers.
func silent(t *testing.T) string { return "http://" + testutil.SilentListener(t) }

func TestTimeouts(t *testing.T) {
	tests := []struct {
		name    string
		url     func(*testing.T) string
		yaml    string
		timeout time.Duration // the check's common timeout
		want    time.Duration
	}{
		{"open_timeout bounds the connect",
			func(t *testing.T) string { return "http://127.0.0.1:" + strconv.Itoa(testutil.BlackholePort(t)) },
			"open_timeout: 0.1\nread_timeout: 10\nssl_timeout: 10", 10 * time.Second, 100 * time.Millisecond},
		{"read_timeout bounds waiting for the answer", silent,
			"read_timeout: 0.1\nopen_timeout: 10", 10 * time.Second, 100 * time.Millisecond},
		{"read_timeout defaults to timeout", silent,
			"open_timeout: 10", 100 * time.Millisecond, 100 * time.Millisecond},
		{"ssl_timeout bounds the handshake", silent,
			"ssl: true\nssl_timeout: 0.1\nread_timeout: 10\nopen_timeout: 10", 10 * time.Second, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := build(t, tc.url(t), "uri: /\n"+tc.yaml, tc.timeout)
			start := time.Now()
			err := c.Check(context.Background())
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("want a timeout error, got healthy")
			}
			if elapsed < tc.want-10*time.Millisecond || elapsed > tc.want+time.Second {
				t.Fatalf("failed after %s (%v), want about %s", elapsed, err, tc.want)
			}
		})
	}
}

// The original's read_timeout bounds each wait for data, not the response:
// a body that keeps arriving is healthy even when it takes longer in total.
func TestReadTimeoutIsPerRead(t *testing.T) {
	const chunks, gap = 8, 50 * time.Millisecond
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		for i := 0; i < chunks; i++ {
			fmt.Fprintf(w, "chunk %d\n", i)
			w.(nethttp.Flusher).Flush()
			time.Sleep(gap) // the slow service under test, not the test waiting
		}
	}))
	defer srv.Close()
	c := build(t, srv.URL, "uri: /\nread_timeout: 0.25\nexpect: chunk 7", time.Second)
	start := time.Now()
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("want healthy, got %v", err)
	}
	if elapsed := time.Since(start); elapsed < 250*time.Millisecond {
		t.Fatalf("took %s, the test needs a total above read_timeout to mean anything", elapsed)
	}
}

func TestContextCancels(t *testing.T) {
	c := build(t, silent(t), "uri: /\nread_timeout: 60", time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Check(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ctx's error when ctx expires", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("check ignored ctx: took %s", elapsed)
	}
}
