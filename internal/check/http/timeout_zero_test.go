package http

import (
	"context"
	"fmt"
	nethttp "net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// timeout: 0 is the original's "no limit": read_timeout (which defaults to
// it) sets no read deadline, so a slow answer is healthy and only ctx (the
// round's deadline) bounds the wait.
func TestZeroTimeoutMeansNoLimit(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		// Slower than the 100ms default timeout: only "no limit" passes.
		time.Sleep(300 * time.Millisecond)
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()
	if err := build(t, srv.URL, "uri: /health", 0).Check(context.Background()); err != nil {
		t.Fatalf("timeout 0 against a slow healthy server: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := build(t, silent(t), "uri: /health", 0).Check(ctx); err == nil {
		t.Fatal("want an error once ctx expires")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("ctx did not bound the check: took %s", d)
	}
}
