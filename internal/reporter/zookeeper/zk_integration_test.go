package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const payload = `{"host":"127.0.0.1","port":3000,"name":"i-abc"}`

func TestZKReportUpDown(t *testing.T) {
	e := newRealEnv(t)
	r := e.start(t, e.z.Addrs(), 2*time.Second)
	must(t, r.ReportUp(ctx))
	names := e.children(t)
	if len(names) != 1 || !regexp.MustCompile(`^i-abc_\d{10}$`).MatchString(names[0]) {
		t.Fatalf("children %q, want one i-abc_<10 digits>", names)
	}
	data, st, err := e.check.Get(e.root + "/" + names[0])
	must(t, err)
	if string(data) != payload || st.EphemeralOwner != r.sess.Client().SessionID() || r.Node() != e.root+"/"+names[0] {
		t.Fatalf("data %q owner %x (session %x), known %q", data, st.EphemeralOwner, r.sess.Client().SessionID(), r.Node())
	}
	must(t, r.Ping(ctx))
	must(t, r.ReportUp(ctx)) // a second up sets the same node
	if got := e.children(t); len(got) != 1 || got[0] != names[0] {
		t.Fatalf("after a second ReportUp: %q", got)
	}
	must(t, r.ReportDown(ctx))
	if got := e.children(t); len(got) != 0 {
		t.Fatalf("after ReportDown: %q", got)
	}
}

func TestZKPathEncodedName(t *testing.T) {
	e := newRealEnv(t)
	r := e.start(t, e.z.Addrs(), 2*time.Second, func(c *Config) { c.UsePathEncoding = true })
	must(t, r.ReportUp(ctx))
	names := e.children(t)
	prefix, _ := registration.EncodedPrefix([]byte(payload))
	if len(names) != 1 || !regexp.MustCompile(`^`+regexp.QuoteMeta(prefix)+`\d{10}$`).MatchString(names[0]) {
		t.Fatalf("children %q, want %s<10 digits>", names, prefix)
	}
	b, err := registration.ParseChildName(names[0])
	if err != nil || b.Host != "127.0.0.1" {
		t.Fatalf("ParseChildName(%q) = %+v, %v", names[0], b, err)
	}
	if data, _, _ := e.check.Get(r.Node()); string(data) != payload {
		t.Fatalf("data %q: the payload is written even with path encoding", data)
	}
}

func TestZKNodeTypes(t *testing.T) {
	for _, tc := range []struct {
		nodeType  string
		name      string // regexp
		ephemeral bool
	}{
		{EphemeralSequential, `^i-abc_\d{10}$`, true},
		{PersistentSequential, `^i-abc_\d{10}$`, false},
		{Persistent, `^i-abc_$`, false},
		{Ephemeral, `^i-abc_$`, true},
	} {
		t.Run(tc.nodeType, func(t *testing.T) {
			e := newRealEnv(t)
			r := e.start(t, e.z.Addrs(), 2*time.Second, func(c *Config) { c.NodeType = tc.nodeType })
			must(t, r.ReportUp(ctx))
			names := e.children(t)
			if len(names) != 1 || !regexp.MustCompile(tc.name).MatchString(names[0]) {
				t.Fatalf("children %q, want one matching %s", names, tc.name)
			}
			st := e.stat(t, e.root+"/"+names[0])
			if (st.EphemeralOwner != 0) != tc.ephemeral {
				t.Fatalf("ephemeralOwner %x, want ephemeral=%v", st.EphemeralOwner, tc.ephemeral)
			}
			must(t, r.Ping(ctx))
			must(t, r.ReportDown(ctx))
			if e.stat(t, e.root+"/"+names[0]) != nil {
				t.Fatal("node left after ReportDown")
			}
		})
	}
}

// Two reporters with the same hosts in different orders share one session;
// the last Stop closes it on the server.
func TestZKPoolSharesConnection(t *testing.T) {
	e := newRealEnv(t)
	addr := e.z.Addr(0)
	alias := strings.Replace(addr, "127.0.0.1", "localhost", 1)
	a := e.start(t, []string{addr, alias}, 2*time.Second)
	b := e.start(t, []string{alias, addr}, 2*time.Second, func(c *Config) { c.ZKPath = e.root + "/b" })
	if a.sess != b.sess || e.pool.Len() != 1 {
		t.Fatalf("same session %v, pool size %d", a.sess == b.sess, e.pool.Len())
	}
	must(t, a.ReportUp(ctx))
	must(t, b.ReportUp(ctx))
	sa, sb := e.stat(t, a.Node()), e.stat(t, b.Node())
	sid := a.sess.Client().SessionID()
	if sa.EphemeralOwner != sid || sb.EphemeralOwner != sid {
		t.Fatalf("owners %x and %x, want both %x", sa.EphemeralOwner, sb.EphemeralOwner, sid)
	}
	must(t, a.Stop(ctx))
	must(t, b.Ping(ctx))
	if e.stat(t, b.Node()) == nil {
		t.Fatal("b's node vanished when a stopped")
	}
	must(t, b.Stop(ctx))
	if e.pool.Len() != 0 {
		t.Fatalf("pool size %d after the last Stop", e.pool.Len())
	}
	testutil.Eventually(t, waitLong, func() error {
		alive, err := e.z.HasSession(sid)
		if err != nil || alive {
			return fmt.Errorf("session %x still on the server (err %v)", sid, err)
		}
		return nil
	})
}

func TestZKTTLRefreshBumpsMtime(t *testing.T) {
	e := newRealEnv(t)
	ttl := config.Duration(time.Second)
	r := e.start(t, e.z.Addrs(), 2*time.Second, func(c *Config) { c.NodeType, c.TTLSeconds = PersistentSequential, &ttl })
	must(t, r.ReportUp(ctx))
	first := e.stat(t, r.Node())
	testutil.Eventually(t, waitLong, func() error {
		st := e.stat(t, r.Node())
		if st.Mtime <= first.Mtime || st.Version <= first.Version {
			return fmt.Errorf("mtime %d version %d; created with mtime %d version %d", st.Mtime, st.Version, first.Mtime, first.Version)
		}
		return nil
	})
}

// Someone deletes the node: Ping says ErrGone, the next ReportUp creates a
// new node.
func TestZKExternalDelete(t *testing.T) {
	e := newRealEnv(t)
	r := e.start(t, e.z.Addrs(), 2*time.Second)
	must(t, r.ReportUp(ctx))
	old := r.Node()
	must(t, e.check.Delete(old, -1))
	if err := r.Ping(ctx); !errors.Is(err, reporter.ErrGone) {
		t.Fatalf("Ping after an external delete = %v, want ErrGone", err)
	}
	must(t, r.ReportUp(ctx))
	if r.Node() == old || e.stat(t, r.Node()) == nil {
		t.Fatalf("re-registered as %q (old %q)", r.Node(), old)
	}
	if got := e.children(t); len(got) != 1 {
		t.Fatalf("children %q, want exactly the new node", got)
	}
}

// ReportUp before the ensemble is reachable does no harm: Start does not
// wait, and operations say ErrNotConnected.
func TestZKUnreachableEnsemble(t *testing.T) {
	e := newRealEnv(t)
	cfg := NewConfig()
	cfg.ZKHosts, cfg.ZKPath = []string{"127.0.0.1:1"}, e.root
	rep, err := New(reporter.Service{Name: "web", InstanceID: "i", Payload: []byte(payload)}, cfg, reporter.Options{Logger: e.log, Pool: e.pool, SessionTimeout: time.Second})
	must(t, err)
	start := time.Now()
	must(t, rep.Start(ctx))
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Start waited %s for an unreachable ensemble", d)
	}
	for name, op := range map[string]func(context.Context) error{"Ping": rep.Ping, "ReportUp": rep.ReportUp} {
		if err := op(ctx); !errors.Is(err, reporter.ErrNotConnected) {
			t.Errorf("%s = %v, want ErrNotConnected", name, err)
		}
	}
	must(t, rep.Stop(ctx))
}
