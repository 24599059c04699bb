package nerve

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/supervise"
	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/reporter/zookeeper"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// ensembleService is one nerve service on its own pool (so its own
// session) against hosts, supervised as the daemon does.
type ensembleService struct {
	sup  *supervisor
	path string
}

func startEnsembleService(t *testing.T, hosts []string, session, interval time.Duration, maxFailures int) *ensembleService {
	t.Helper()
	path := testutil.ZKPath(t) + "/web"
	spec := ServiceSpec{Name: "web", CheckInterval: interval, Fingerprint: path, MaxFailures: maxFailures,
		Checks: []CheckSpec{{Name: "fake", Type: "fake", Rise: 1, Fall: 2, Check: newCheck(true)}}}
	pool := zookeeper.NewPool()
	spec.NewReporter = func() (reporter.Reporter, error) {
		svc := reporter.Service{Name: "web", InstanceID: "itest", Payload: []byte(itestPayload), CheckInterval: interval}
		cfg := zookeeper.NewConfig()
		cfg.ZKHosts, cfg.ZKPath = hosts, path
		return reporter.New("zookeeper", svc, cfg, reporter.Options{Logger: discard(), Pool: pool, SessionTimeout: session})
	}
	// The daemon's backoff: a restart would show in the node's identity.
	sup := startSupervisor(context.Background(), spec, testEnv(),
		supervise.Policy{Min: time.Second, Max: 30 * time.Second, ResetAfter: time.Minute}, "new")
	t.Cleanup(sup.stop)
	return &ensembleService{sup: sup, path: path}
}

// node returns the one registration's name and stat; it fails the test
// when there is not exactly one.
func (s *ensembleService) node(zc *gozk.Conn) (string, *gozk.Stat, error) {
	names, _, err := zc.Children(s.path)
	if err != nil {
		return "", nil, err
	}
	if len(names) != 1 {
		return "", nil, fmt.Errorf("%d nodes under %s (%v), want 1", len(names), s.path, names)
	}
	_, st, err := zc.Get(s.path + "/" + names[0])
	return names[0], st, err
}

func (s *ensembleService) waitUp(t *testing.T, within time.Duration) {
	t.Helper()
	testutil.Eventually(t, within, func() error {
		if st := s.sup.st.snapshot(); st.Reported != "up" {
			return fmt.Errorf("service reported %q", st.Reported)
		}
		return nil
	})
}

// stopQuorum stops the leader and one follower: the remaining member
// serves nobody until one of them is back.
func stopQuorum(t *testing.T, z *testutil.ZooKeeper) []int {
	t.Helper()
	leader := z.Leader()
	if leader < 0 {
		t.Fatal("no leader")
	}
	down := []int{leader, (leader + 1) % z.Size()}
	for _, i := range down {
		z.StopNode(t, i)
	}
	return down
}

// ZooKeeper blips against a real 3-node ensemble: what nerve's registration
// looks like after quorum is lost for less, and for more, than the session
// timeout, and after a real session expiry.
func TestZooKeeperEnsembleOutages(t *testing.T) {
	z := testutil.StartZooKeeperEnsemble(t, 3)
	zc, _, err := gozk.Connect(z.Addrs(), 30*time.Second, gozk.WithLogger(quiet{}))
	if err != nil {
		t.Fatal(err)
	}
	defer zc.Close()
	t.Run("shorter than the session", func(t *testing.T) { testOutageShort(t, z, zc) })
	t.Run("longer than the session", func(t *testing.T) { testOutageLong(t, z, zc) })
	t.Run("session expired", func(t *testing.T) { testOutageExpired(t, z, zc) })
}

// Quorum lost for less than the session timeout, and for more rounds than
// max_repeated_report_failures: the same node (path, czxid, owner,
// version) afterwards, never deleted, and no worker restart.
func testOutageShort(t *testing.T, z *testutil.ZooKeeper, zc *gozk.Conn) {
	const session, interval, maxFailures = 30 * time.Second, 100 * time.Millisecond, 3
	s := startEnsembleService(t, z.Addrs(), session, interval, maxFailures)
	s.waitUp(t, 15*time.Second)
	var name string
	var before *gozk.Stat
	testutil.Eventually(t, 5*time.Second, func() (err error) { name, before, err = s.node(zc); return err })
	ok, _, watch, err := zc.ExistsW(s.path + "/" + name)
	if err != nil || !ok {
		t.Fatalf("exists watch: %v, %v", ok, err)
	}

	start := time.Now()
	down := stopQuorum(t, z)
	testutil.Eventually(t, 5*time.Second, func() error {
		if st := s.sup.st.snapshot(); st.Reported != "unknown" {
			return fmt.Errorf("service still reported %q", st.Reported)
		}
		return nil
	})
	// The fault's length, not a wait for a condition: long enough that the
	// old failure counter would have restarted the worker twice over.
	time.Sleep(2 * maxFailures * interval)
	z.StartNode(t, down[0]) // quorum is back once it serves
	outage := time.Since(start)
	z.StartNode(t, down[1])
	t.Logf("quorum lost for %s (session %s)", outage, session)
	if outage >= session {
		t.Fatalf("the outage took %s, not shorter than the %s session: the machine is too slow for this test's premise", outage, session)
	}
	s.waitUp(t, 5*time.Second)
	gotName, after, err := s.node(zc)
	if err != nil {
		t.Fatal(err)
	}
	if gotName != name || after.Czxid != before.Czxid || after.EphemeralOwner != before.EphemeralOwner || after.Version != before.Version {
		t.Fatalf("node %s czxid %d owner %x version %d after the blip; want %s %d %x %d", gotName, after.Czxid,
			after.EphemeralOwner, after.Version, name, before.Czxid, before.EphemeralOwner, before.Version)
	}
	select {
	case ev := <-watch:
		t.Fatalf("the node saw %v during the blip; want nothing", ev.Type)
	default:
	}
	if st := s.sup.st.snapshot(); st.Restarts != 0 {
		t.Fatalf("%d worker restarts (%s)", st.Restarts, st.LastError)
	}
}

// Quorum lost for longer than the session timeout: within one check
// interval of quorum returning, exactly one node, owned by a live session
// (ZooKeeper renews sessions when a new leader is elected, so this is
// usually the same node; an expired session gets a new one), nerve says
// up, and its worker was never restarted although every round failed.
func testOutageLong(t *testing.T, z *testutil.ZooKeeper, zc *gozk.Conn) {
	const session, interval = 2 * time.Second, 3 * time.Second
	s := startEnsembleService(t, z.Addrs(), session, interval, 1)
	s.waitUp(t, 15*time.Second)
	var name string
	var before *gozk.Stat
	testutil.Eventually(t, 5*time.Second, func() (err error) { name, before, err = s.node(zc); return err })

	down := stopQuorum(t, z)
	time.Sleep(session + session/2) // the fault's length
	z.StartNode(t, down[0])
	back := time.Now()
	var owner int64
	testutil.Eventually(t, interval, func() error {
		if st := s.sup.st.snapshot(); st.Reported != "up" {
			return fmt.Errorf("service reported %q", st.Reported)
		}
		_, st, err := s.node(zc)
		if err != nil {
			return err
		}
		if alive, err := z.HasSession(st.EphemeralOwner); err != nil || !alive {
			return fmt.Errorf("node owned by %x, alive %v (%v)", st.EphemeralOwner, alive, err)
		}
		owner = st.EphemeralOwner
		return nil
	})
	t.Logf("registered %s after quorum returned (same session: %v)", time.Since(back).Round(time.Millisecond),
		owner == before.EphemeralOwner)
	z.StartNode(t, down[1])
	if gotName, _, err := s.node(zc); err != nil || (owner == before.EphemeralOwner && gotName != name) {
		t.Fatalf("node %s (%v); the session survived, so want %s", gotName, err, name)
	}
	if st := s.sup.st.snapshot(); st.Restarts != 0 {
		t.Fatalf("%d worker restarts (%s)", st.Restarts, st.LastError)
	}
}

// A session that really expired: a new node on the new session within one
// check interval of the connection coming back, with a long interval so
// only the session event can do it.
func testOutageExpired(t *testing.T, z *testutil.ZooKeeper, zc *gozk.Conn) {
	const session, interval = 2 * time.Second, 10 * time.Second
	proxy := testutil.NewTCPProxy(t, z.Addr(z.Leader()))
	s := startEnsembleService(t, []string{proxy.Addr()}, session, interval, 2)
	s.waitUp(t, 15*time.Second)
	var before *gozk.Stat
	testutil.Eventually(t, 5*time.Second, func() (err error) { _, before, err = s.node(zc); return err })

	z.ExpireSession(t, proxy, before.EphemeralOwner)
	back := time.Now()
	testutil.Eventually(t, 3*time.Second, func() error {
		_, st, err := s.node(zc)
		if err != nil {
			return err
		}
		if st.EphemeralOwner == before.EphemeralOwner {
			return fmt.Errorf("still the expired session's node")
		}
		return nil
	})
	t.Logf("new node %s after the connection came back", time.Since(back).Round(time.Millisecond))
	if st := s.sup.st.snapshot(); st.Restarts != 0 || st.Reported != "up" {
		t.Fatalf("status %+v", st)
	}
}
