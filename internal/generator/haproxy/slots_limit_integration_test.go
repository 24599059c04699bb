package haproxy

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// A burst into a slot pool whose slots run health checks, against an
// HAProxy whose fd limit cannot hold a pool of twice the burst: without
// knowing the limit synapse grows the pool past it and HAProxy refuses
// the reload ("Cannot raise FD limit"); knowing it, the pool stops at
// what the limit leaves, HAProxy loads it, and one log line names the
// limit.
func TestIntegrationSlotPoolWithinFDLimit(t *testing.T) {
	const limit = 400
	r := startRealSetup(t)
	var logs testutil.SyncBuffer
	g, err := New(r.cfg, generator.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))},
		WithClock(r.clock.now), WithRand(func() float64 { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	r.g = g
	r.g.reloadCheck = 2 * time.Second
	if err := unix.Prlimit(r.h.MasterPID(), unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: limit, Max: limit}, nil); err != nil {
		t.Fatal(err)
	}
	old := processFDLimit
	t.Cleanup(func() { processFDLimit = old })
	processFDLimit = func() (int, error) { return 1 << 20, nil } // as if synapse did not know HAProxy's limit

	extra := ", balance static-rr]\nserver_options: check inter 60s\nx: ["
	var burst []registration.Backend
	for i := range 300 {
		burst = append(burst, live("", "127.0.0.1", 5000+i))
	}
	r.updateReloading(t, r.service(t, extra, burst[:2]...))
	r.clock.advance(time.Minute)
	mustUpdate(t, r.g, r.service(t, extra, burst...))
	settleReload(t, r.g)
	if last := r.g.reloads.last; last == nil || last.OK {
		t.Fatalf("last reload %+v; want HAProxy to refuse a pool past its fd limit", last)
	}
	if log, _ := os.ReadFile(r.h.LogPath); !strings.Contains(string(log), "Cannot raise FD limit") {
		t.Fatalf("HAProxy did not refuse the pool for its fd limit:\n%s", log)
	}

	processFDLimit = func() (int, error) { return limit, nil }
	r.clock.advance(time.Hour) // past the failed reload's backoff
	mustUpdate(t, r.g, r.service(t, extra, burst...))
	settleReload(t, r.g)
	if last := r.g.reloads.last; last == nil || !last.OK {
		t.Fatalf("last reload %+v; want the capped pool loaded", last)
	}
	want := limit - 2*100 - 64 // twice HAProxy's least maxconn, and the fds render keeps for HAProxy's own
	if got := len(r.servers(t)); got != want {
		t.Errorf("HAProxy runs %d slots, want %d", got, want)
	}
	line := fmt.Sprintf("slot pool of backend svc stops at %d slots, %d of 300 registrations left out: HAProxy's fd limit 400", want, 300-want)
	if n := strings.Count(logs.String(), line); n != 1 {
		t.Errorf("%d log lines %q, want 1; log:\n%s", n, line, logs.String())
	}
}
