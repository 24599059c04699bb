package nerve

import (
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/supervise"
	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/reporter/zookeeper"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// received is the server's count of packets received from the connection
// of session sid, from the `cons` four-letter word.
func received(addr string, sid int64) (int64, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, "cons"); err != nil {
		return 0, err
	}
	out, err := io.ReadAll(c)
	if err != nil {
		return 0, err
	}
	re := regexp.MustCompile(`recved=(\d+),sent=\d+,sid=0x` + strconv.FormatUint(uint64(sid), 16) + `,`)
	m := re.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no connection of session %x in cons:\n%s", sid, out)
	}
	return strconv.ParseInt(string(m[1]), 10, 64)
}

// A steady nerve with 100 services sends ZooKeeper no request per round:
// each registered node is covered by a watch, so the rounds' pings ask
// nothing. Only the client library's session heartbeat may show.
func TestZooKeeperSteadyRoundsSendNothing(t *testing.T) {
	const services, interval = 100, 50 * time.Millisecond
	z := testutil.SharedZooKeeper(t)
	root := testutil.ZKPath(t)
	pool := zookeeper.NewPool()
	chk := newCheck(true)
	sups := make([]*supervisor, services)
	for i := range sups {
		name := fmt.Sprintf("s%03d", i)
		spec := ServiceSpec{Name: name, CheckInterval: interval, Fingerprint: name,
			Checks: []CheckSpec{{Name: "fake", Type: "fake", Rise: 1, Fall: 2, Check: chk}}}
		spec.NewReporter = func() (reporter.Reporter, error) {
			svc := reporter.Service{Name: name, InstanceID: "itest", Payload: []byte(itestPayload), CheckInterval: interval}
			cfg := zookeeper.NewConfig()
			cfg.ZKHosts, cfg.ZKPath = z.Addrs(), root+"/"+name
			// A 30 s session heartbeats every 10 s: at most one in the window.
			return reporter.New("zookeeper", svc, cfg, reporter.Options{Logger: discard(), Pool: pool, SessionTimeout: 30 * time.Second})
		}
		sups[i] = startSupervisor(context.Background(), spec, testEnv(),
			supervise.Policy{Min: time.Second, Max: time.Second, ResetAfter: time.Minute}, "new")
		t.Cleanup(sups[i].stop)
	}
	zc, _, err := gozk.Connect(z.Addrs(), 5*time.Second, gozk.WithLogger(quiet{}))
	if err != nil {
		t.Fatal(err)
	}
	defer zc.Close()
	var sid int64
	testutil.Eventually(t, 20*time.Second, func() error {
		for _, s := range sups {
			if st := s.st.snapshot(); st.Reported != "up" {
				return fmt.Errorf("%s reported %q", st.Service, st.Reported)
			}
		}
		_, owners, err := nodes(zc, root+"/s000")
		if err != nil || len(owners) != 1 {
			return fmt.Errorf("owners %v, %v", owners, err)
		}
		sid = owners[0]
		return nil
	})
	// Settled: the first round after each registration reads its node once
	// to set the watch; after that the count must stand still.
	var before int64
	testutil.Eventually(t, 10*time.Second, func() error {
		n, err := received(z.Addr(0), sid)
		if err != nil {
			return err
		}
		time.Sleep(4 * interval)
		if before, err = received(z.Addr(0), sid); err != nil || before != n {
			return fmt.Errorf("received %d, then %d (%v)", n, before, err)
		}
		return nil
	})

	runs := chk.runs.Load()
	time.Sleep(20 * interval) // the window measured: about 20 rounds per service
	after, err := received(z.Addr(0), sid)
	if err != nil {
		t.Fatal(err)
	}
	rounds := chk.runs.Load() - runs
	t.Logf("%d rounds in the window, %d packets received from nerve's session", rounds, after-before)
	if rounds < services*10 {
		t.Fatalf("only %d rounds ran in the window; want at least %d", rounds, services*10)
	}
	if after-before > 1 {
		t.Fatalf("%d packets in %d rounds; want none but a session heartbeat", after-before, rounds)
	}
}
