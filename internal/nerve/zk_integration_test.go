package nerve

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/supervise"
	"github.com/smartstack-go/smartstack/internal/zk"
	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/reporter/zookeeper"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const itestPayload = `{"host":"127.0.0.1","port":1234,"name":"itest"}`

func zkSpec(name, hosts, path string, pool *zk.Pool, chk *fakeCheck) ServiceSpec {
	spec := ServiceSpec{Name: name, CheckInterval: 20 * time.Millisecond, Fingerprint: path,
		Checks: []CheckSpec{{Name: "fake", Type: "fake", Rise: 1, Fall: 2, Check: chk}}}
	spec.NewReporter = func() (reporter.Reporter, error) {
		svc := reporter.Service{Name: name, InstanceID: "itest", Payload: []byte(itestPayload), CheckInterval: spec.CheckInterval}
		cfg := zookeeper.NewConfig()
		cfg.ZKHosts, cfg.ZKPath = []string{hosts}, path
		return reporter.New("zookeeper", svc, cfg, reporter.Options{Logger: discard(), Pool: pool, SessionTimeout: 2 * time.Second})
	}
	return spec
}

// nodes returns data and ephemeral owner of each child of path.
func nodes(zc *gozk.Conn, path string) (data []string, owners []int64, err error) {
	names, _, err := zc.Children(path)
	if errors.Is(err, gozk.ErrNoNode) {
		return nil, nil, nil
	}
	for _, n := range names {
		b, st, err := zc.Get(path + "/" + n)
		if err != nil {
			return nil, nil, err
		}
		data, owners = append(data, string(b)), append(owners, st.EphemeralOwner)
	}
	return data, owners, err
}

func wantNodes(t *testing.T, zc *gozk.Conn, path string, n int) []int64 {
	t.Helper()
	var owners []int64
	testutil.Eventually(t, 15*time.Second, func() error {
		data, o, err := nodes(zc, path)
		if err != nil {
			return err
		}
		if len(data) != n {
			return fmt.Errorf("%d nodes under %s, want %d", len(data), path, n)
		}
		for _, d := range data {
			if d != itestPayload {
				return fmt.Errorf("payload %q, want %q", d, itestPayload)
			}
		}
		owners = o
		return nil
	})
	return owners
}

// Real ZooKeeper: up → exact node; down for fall rounds → gone; session
// expiry → registered again on the new session; shutdown → gone.
func TestZooKeeperLifecycle(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	proxy := testutil.NewTCPProxy(t, z.Addr(0))
	zc, _, err := gozk.Connect(z.Addrs(), 5*time.Second, gozk.WithLogger(quiet{}))
	if err != nil {
		t.Fatal(err)
	}
	defer zc.Close()
	path := testutil.ZKPath(t) + "/web"
	chk := newCheck(true)
	e := testEnv()
	s := startSupervisor(context.Background(), zkSpec("web", proxy.Addr(), path, zookeeper.NewPool(), chk), e,
		supervise.Policy{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond, ResetAfter: time.Minute}, "new")
	defer s.stop()
	wantNodes(t, zc, path, 1)

	chk.ok.Store(false)
	wantNodes(t, zc, path, 0)
	chk.ok.Store(true)
	owners := wantNodes(t, zc, path, 1)

	z.ExpireSession(t, proxy, owners[0])
	testutil.Eventually(t, 15*time.Second, func() error {
		_, o, err := nodes(zc, path)
		if err != nil || len(o) != 1 || o[0] == owners[0] {
			return fmt.Errorf("owners %v (old %x), err %v", o, owners[0], err)
		}
		return nil
	})
	if st := s.st.snapshot(); st.Path == "" || st.Reported != "up" {
		t.Fatalf("status %+v", st)
	}

	start := time.Now()
	s.stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("stop took %s", d)
	}
	wantNodes(t, zc, path, 0)
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
