package etcd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/etcdv2"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/test/testutil"
)

var ctx = context.Background()

const payload = `{"host":"127.0.0.1","port":3000,"name":"mymachine"}`

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestConfig(t *testing.T) {
	c := NewConfig()
	if c.Port != 4003 || c.Path != "/" {
		t.Fatalf("defaults %+v, want port 4003 and path /", c)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "etcd_host: missing") {
		t.Fatalf("Validate without etcd_host = %v", err)
	}
	c.Host, c.Port = "etcdhost1", 0
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "etcd_port: 0 is not a TCP port") {
		t.Fatalf("Validate with port 0 = %v", err)
	}
	// The etcd type is registered and builds from its config.
	typ, ok := reporter.Lookup("etcd")
	if !ok {
		t.Fatal("etcd reporter type not registered")
	}
	cfg := typ.NewConfig().(*Config)
	cfg.Host, cfg.Port, cfg.Path = "etcdhost1", 4001, "/path"
	r, err := typ.New(reporter.Service{Name: "s", InstanceID: "i"}, cfg, reporter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e := r.(*Reporter); e.base != "http://etcdhost1:4001" || e.dir != "/path/i" {
		t.Fatalf("base %q dir %q", e.base, e.dir)
	}
}

func TestKeyDirAndTTL(t *testing.T) {
	for path, want := range map[string]string{
		"/nerve/services/svc/services": "/nerve/services/svc/services/mymachine",
		"/":                            "/mymachine",
		"":                             "/mymachine",
		"nerve/x/":                     "/nerve/x/mymachine",
	} {
		if got := keyDir(path, "mymachine"); got != want {
			t.Errorf("keyDir(%q) = %q, want %q", path, got, want)
		}
	}
	for interval, want := range map[time.Duration]int{500 * time.Millisecond: 3, 2 * time.Second: 10, 0: 1, 100 * time.Millisecond: 1, 250 * time.Millisecond: 2} {
		if got := ttlSeconds(interval); got != want {
			t.Errorf("ttlSeconds(%s) = %d, want %d", interval, got, want)
		}
	}
}

// etcdEnv is one subtest's directory on a shared real etcd.
type etcdEnv struct {
	e   *testutil.Etcd
	dir string
}

func (env etcdEnv) reporter(t *testing.T, interval time.Duration) *Reporter {
	t.Helper()
	cfg := NewConfig()
	cfg.Host, cfg.Port, cfg.Path = "127.0.0.1", env.e.ClientPort, env.dir
	svc := reporter.Service{Name: "web", InstanceID: "mymachine", Payload: []byte(payload), CheckInterval: interval}
	r, err := New(svc, cfg, reporter.Options{})
	must(t, err)
	must(t, r.Start(ctx))
	t.Cleanup(func() { _ = r.Stop(ctx) })
	return r.(*Reporter)
}

// list returns the keys under <dir>/mymachine.
func (env etcdEnv) list(t *testing.T) []etcdv2.Node {
	t.Helper()
	resp, err := http.Get(env.e.URL() + "/v2/keys" + env.dir + "/mymachine?sorted=true")
	must(t, err)
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	var out struct {
		Node struct {
			Nodes []etcdv2.Node `json:"nodes"`
		} `json:"node"`
	}
	must(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Node.Nodes
}

func TestEtcdReal(t *testing.T) {
	e := testutil.StartEtcd(t)
	for name, fn := range map[string]func(*testing.T, etcdEnv){
		"up creates an in-order key with payload and ttl": testUp,
		"ping refreshes the ttl":                          testPingRefreshes,
		"down deletes and ping does not re-create":        testDownStaysDown,
		"stop deletes":                      testStopDeletes,
		"set payload rewrites the same key": testSetPayload,
	} {
		t.Run(name, func(t *testing.T) {
			fn(t, etcdEnv{e: e, dir: "/nerve/" + url.PathEscape(strings.ReplaceAll(name, " ", "_"))})
		})
	}
}

func testUp(t *testing.T, env etcdEnv) {
	r := env.reporter(t, 500*time.Millisecond)
	must(t, r.ReportUp(ctx))
	keys := env.list(t)
	if len(keys) != 1 || !regexp.MustCompile(`^`+env.dir+`/mymachine/\d{20}$`).MatchString(keys[0].Key) {
		t.Fatalf("keys %+v, want one in-order key", keys)
	}
	if keys[0].Value != payload || keys[0].TTL < 1 || keys[0].TTL > 3 || r.key != keys[0].Key {
		t.Fatalf("key %+v (known %q), want the payload with ttl <= ceil(5*0.5)=3", keys[0], r.key)
	}
	must(t, r.ReportUp(ctx)) // a second up sets the same key
	if again := env.list(t); len(again) != 1 || again[0].Key != keys[0].Key {
		t.Fatalf("after a second ReportUp: %+v", again)
	}
}

// With a 1 s TTL, pinging keeps the key alive well past its TTL; without
// pings it expires, and then Ping says ErrGone.
func testPingRefreshes(t *testing.T, env etcdEnv) {
	r := env.reporter(t, 200*time.Millisecond) // ttl ceil(1.0) = 1 s
	must(t, r.ReportUp(ctx))
	key := r.key
	for deadline := time.Now().Add(2500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		must(t, r.Ping(ctx))
	}
	if keys := env.list(t); len(keys) != 1 || keys[0].Key != key {
		t.Fatalf("after 2.5 s of pings with a 1 s ttl: %+v, want %s", keys, key)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if keys := env.list(t); len(keys) != 0 {
			return fmt.Errorf("key not expired: %+v", keys)
		}
		return nil
	})
	if err := r.Ping(ctx); !errors.Is(err, reporter.ErrGone) {
		t.Fatalf("Ping after expiry = %v, want ErrGone", err)
	}
	must(t, r.Ping(ctx)) // nothing registered: a reachability check
	must(t, r.ReportUp(ctx))
	if keys := env.list(t); len(keys) != 1 || keys[0].Key == key {
		t.Fatalf("re-registered %+v, want a new key (old %s)", keys, key)
	}
}

func testDownStaysDown(t *testing.T, env etcdEnv) {
	r := env.reporter(t, 500*time.Millisecond)
	must(t, r.ReportUp(ctx))
	must(t, r.ReportDown(ctx))
	if keys := env.list(t); len(keys) != 0 {
		t.Fatalf("after ReportDown: %+v", keys)
	}
	must(t, r.Ping(ctx))
	must(t, r.Ping(ctx))
	if keys := env.list(t); len(keys) != 0 {
		t.Fatalf("Ping re-created the key of a down service: %+v", keys)
	}
	must(t, r.ReportDown(ctx)) // nothing registered
}

func testStopDeletes(t *testing.T, env etcdEnv) {
	r := env.reporter(t, 500*time.Millisecond)
	must(t, r.ReportUp(ctx))
	must(t, r.Stop(ctx))
	if keys := env.list(t); len(keys) != 0 {
		t.Fatalf("after Stop: %+v", keys)
	}
	if err := r.Ping(ctx); !errors.Is(err, reporter.ErrNotConnected) {
		t.Fatalf("Ping after Stop = %v", err)
	}
}

func TestEtcdUnreachable(t *testing.T) {
	cfg := NewConfig()
	cfg.Host, cfg.Port = "127.0.0.1", testutil.FreePort(t)
	r, err := New(reporter.Service{Name: "web", InstanceID: "i", Payload: []byte(payload)}, cfg, reporter.Options{})
	must(t, err)
	must(t, r.Start(ctx))
	for name, op := range map[string]func(context.Context) error{"Ping": r.Ping, "ReportUp": r.ReportUp} {
		if err := op(ctx); !errors.Is(err, reporter.ErrNotConnected) {
			t.Errorf("%s against a closed port = %v, want ErrNotConnected", name, err)
		}
	}
	must(t, r.Stop(ctx))
}

// etcd gone when the service goes down: the key is forgotten (it expires
// after its TTL) so nothing refreshes it back.
func TestEtcdDownWhileUnreachable(t *testing.T) {
	e := testutil.StartEtcd(t)
	r := etcdEnv{e: e, dir: "/nerve/unreachable"}.reporter(t, 500*time.Millisecond)
	must(t, r.ReportUp(ctx))
	must(t, e.Stop())
	if err := r.ReportDown(ctx); err != nil || r.key != "" {
		t.Fatalf("ReportDown with etcd stopped = %v, key %q; want nil and the key forgotten", err, r.key)
	}
	if err := r.Ping(ctx); !errors.Is(err, reporter.ErrNotConnected) {
		t.Fatalf("Ping with etcd stopped = %v", err)
	}
}

func testSetPayload(t *testing.T, env etcdEnv) {
	r := env.reporter(t, 500*time.Millisecond)
	const weighted = `{"host":"127.0.0.1","port":3000,"name":"mymachine","weight":3}`
	must(t, r.SetPayload(ctx, []byte(weighted))) // not registered: stored only
	if keys := env.list(t); len(keys) != 0 {
		t.Fatalf("SetPayload before ReportUp: %+v", keys)
	}
	must(t, r.ReportUp(ctx))
	keys := env.list(t)
	must(t, r.SetPayload(ctx, []byte(payload)))
	again := env.list(t)
	if len(keys) != 1 || keys[0].Value != weighted || len(again) != 1 || again[0].Key != keys[0].Key || again[0].Value != payload {
		t.Fatalf("before %+v, after %+v: want the same key with the new value", keys, again)
	}
}
