package main

import (
	"context"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// The probe's interactive connection answers as a fresh one does, read
// after read, and a refused command ends in its error text, not a hang.
func TestPromptConnAnswersLikeAFreshConnection(t *testing.T) {
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig("backend b\n\tserver s1 127.0.0.1:1 id 1\n\tserver s2 127.0.0.1:2 id 2 disabled\n"))
	ctx := context.Background()
	want, err := haproxy.New(h.StatsSocket).Run(ctx, "show servers state b")
	if err != nil {
		t.Fatal(err)
	}
	p := newPromptConn(h.StatsSocket)
	defer p.Close()
	for i := range 3 {
		got, err := p.Run(ctx, "show servers state b")
		if err != nil || got != want {
			t.Fatalf("read %d: %q, %v\nwant %q", i, got, err, want)
		}
	}
	if got, err := p.Run(ctx, "show servers state nosuch"); err != nil || !strings.Contains(got, "Can't find backend") {
		t.Fatalf("unknown backend: %q, %v", got, err)
	}
	if _, err := p.Run(ctx, "show servers state b"); err != nil {
		t.Fatalf("read after an error answer: %v", err)
	}
}
