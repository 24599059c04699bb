package dns

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// Literals are used as written, only names are asked.
func TestSpecLiteralsAndNames(t *testing.T) {
	f := testutil.StartDNS(t)
	f.Set("localhost", "127.0.0.2")
	r := run(t, testConfig(f.Addr, time.Hour,
		server("test1", "localhost", 80), server("test2", "127.0.0.1", 81), server("test3", "::1", 82)))
	r.Await(t, "resolution", backends(
		be("test1", "127.0.0.2", 80), be("test2", "127.0.0.1", 81), be("test3", "::1", 82)))
	got := f.Questions()
	slices.Sort(got)
	if want := []string{"A localhost.", "AAAA localhost."}; !slices.Equal(got, want) {
		t.Errorf("asked %v, want %v", got, want)
	}
}

// Each server's A and AAAA addresses, sorted as strings; servers in order;
// a record change is reported on the next round.
func TestChangesAreReportedSorted(t *testing.T) {
	f := testutil.StartDNS(t)
	f.Set("web.example", "10.0.0.2", "fd00::1", "10.0.0.10")
	f.Set("db.example", "10.0.1.1")
	r := run(t, testConfig(f.Addr, 20*time.Millisecond,
		server("web", "web.example", 8080), server("db", "db.example", 5432)))
	r.Await(t, "first round", backends(be("web", "10.0.0.10", 8080), be("web", "10.0.0.2", 8080),
		be("web", "fd00::1", 8080), be("db", "10.0.1.1", 5432)))
	f.Set("web.example", "10.0.0.3")
	f.Set("db.example", "fd00::2")
	r.Await(t, "changed records", backends(be("web", "10.0.0.3", 8080), be("db", "fd00::2", 5432)))
}

// NXDOMAIN fails the whole round: the service keeps its last good set
// (the receiver's contract) and Ping reports stale; the name coming back
// is reported again.
func TestNXDOMAINIsStale(t *testing.T) {
	f := testutil.StartDNS(t)
	f.Set("web.example", "10.0.0.1")
	f.Set("db.example", "10.0.0.2")
	r := run(t, testConfig(f.Addr, 20*time.Millisecond,
		server("web", "web.example", 80), server("db", "db.example", 80)))
	r.Await(t, "first round", backends(be("web", "10.0.0.1", 80), be("db", "10.0.0.2", 80)))
	if err := r.W.Ping(context.Background()); err != nil {
		t.Errorf("Ping after a good round = %v", err)
	}
	f.Delete("db.example")
	s := r.Await(t, "NXDOMAIN", failed("db.example"))
	if !errors.Is(s.Err, errNXDOMAIN) {
		t.Errorf("err %v, want NXDOMAIN", s.Err)
	}
	if err := r.W.Ping(context.Background()); err == nil {
		t.Error("Ping after NXDOMAIN = nil, want stale")
	}
	f.Set("db.example", "10.0.0.2")
	r.Await(t, "recovery", backends(be("web", "10.0.0.1", 80), be("db", "10.0.0.2", 80)))
	testutil.Eventually(t, watchertest.WaitLong, func() error { return r.W.Ping(context.Background()) })
}

// A name with records of one family only, or with none, is no error.
func TestNoDataContributesNothing(t *testing.T) {
	f := testutil.StartDNS(t)
	f.Set("v6.example", "fd00::1")
	f.Set("empty.example")
	r := run(t, testConfig(f.Addr, time.Hour,
		server("v6", "v6.example", 80), server("empty", "empty.example", 80)))
	r.Await(t, "resolution", backends(be("v6", "fd00::1", 80)))
}

func TestServerFailureIsStale(t *testing.T) {
	f := testutil.StartDNS(t)
	f.SetRcode(mdns.RcodeServerFailure)
	r := run(t, testConfig(f.Addr, time.Hour, server("web", "web.example", 80)))
	r.Await(t, "SERVFAIL", failed("SERVFAIL"))
}

func TestNameserverDownIsStale(t *testing.T) {
	addr := "127.0.0.1:" + strconv.Itoa(testutil.FreePort(t)) // nothing listens there
	r := run(t, testConfig(addr, time.Hour, server("web", "web.example", 80)))
	r.Await(t, "nameserver down", failed(addr))
	if err := r.W.Ping(context.Background()); err == nil {
		t.Error("Ping with the nameserver down = nil, want stale")
	}
}

// An answer too big for UDP is asked again over TCP.
func TestTruncatedAnswerRetriesOverTCP(t *testing.T) {
	f := testutil.StartDNS(t)
	var addrs, want []string
	for i := range 60 {
		addrs = append(addrs, "10.0.0."+strconv.Itoa(i+1))
	}
	f.Set("big.example", addrs...)
	slices.Sort(addrs)
	for _, a := range addrs {
		want = append(want, be("big", a, 80))
	}
	r := run(t, testConfig(f.Addr, time.Hour, server("big", "big.example", 80)))
	r.Await(t, "60 addresses", backends(want...))
}

// Rounds follow check_interval; an unchanged answer is not sent again.
func TestCheckIntervalAndNoResend(t *testing.T) {
	f := testutil.StartDNS(t)
	f.Set("web.example", "10.0.0.1")
	const interval = 150 * time.Millisecond
	r := run(t, testConfig(f.Addr, interval, server("web", "web.example", 80)))
	r.Await(t, "first round", backends(be("web", "10.0.0.1", 80)))
	start := time.Now()
	testutil.Eventually(t, watchertest.WaitLong, func() error {
		if n := f.Asked("A web.example."); n < 3 {
			return errors.New("fewer than 3 rounds")
		}
		return nil
	})
	if el := time.Since(start); el < interval {
		t.Errorf("two more rounds after %s, want at least one check_interval (%s)", el, interval)
	}
	select {
	case s := <-r.Out:
		t.Errorf("unchanged answer sent again: %+v", s)
	default:
	}
}

var _ watcher.Pinger = (*Watcher)(nil)
