package zookeeper

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const testSecret = "n3rve-secret"

func credFile(t *testing.T, cred string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "zk-digest")
	if err := os.WriteFile(f, []byte(cred+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// lockedOut: c reads every path but cannot set it, add a child or delete
// it (paths[0]'s parent is open, and it has children: not tried).
func lockedOut(t *testing.T, who string, c zk.Client, paths ...string) {
	t.Helper()
	for i, p := range paths {
		if _, _, err := c.Get(p); err != nil {
			t.Errorf("%s: get %s: %v, want readable", who, p, err)
		}
		if _, err := c.Set(p, []byte(`{"host":"6.6.6.6","port":80}`), -1); !errors.Is(err, zk.ErrNoAuth) {
			t.Errorf("%s: set %s: %v, want %v", who, p, err, zk.ErrNoAuth)
		}
		if _, err := c.Create(p+"/evil", []byte(`{"host":"6.6.6.6","port":80}`), 0, zk.OpenACL); !errors.Is(err, zk.ErrNoAuth) {
			t.Errorf("%s: create under %s: %v, want %v", who, p, err, zk.ErrNoAuth)
		}
		if i > 0 {
			if err := c.Delete(p, -1); !errors.Is(err, zk.ErrNoAuth) {
				t.Errorf("%s: delete %s: %v, want %v", who, p, err, zk.ErrNoAuth)
			}
		}
	}
}

// nerve with zk_auth: its node and the parents it made are read-only to
// everyone else, and its credential outlives a reconnect and an expiry
// (re-registering under its own parent needs it).
func TestZKDigestACL(t *testing.T) {
	e := newRealEnv(t)
	// /testutil stays open for the package's other tests; nerve creates
	// everything from e.root down.
	must(t, e.check.EnsurePath(ctx, path.Dir(e.root)))
	p := testutil.NewTCPProxy(t, e.z.Addr(0))
	zkPath := e.root + "/services/web"
	r := e.start(t, []string{p.Addr()}, time.Second, func(c *Config) {
		c.ZKPath = zkPath
		c.ZKAuth = &zkconfig.Auth{CredentialsFile: credFile(t, "nerve:"+testSecret)}
	})
	must(t, r.ReportUp(ctx))
	wrongAuth, err := zk.NewAuth(zk.SchemeDigest, "nerve:wrong")
	must(t, err)
	wrong, err := zk.Connect(ctx, e.z.Addrs(), zk.Options{SessionTimeout: 4 * time.Second, Auth: wrongAuth})
	must(t, err)
	t.Cleanup(wrong.Close)
	created := []string{e.root, e.root + "/services", zkPath, r.Node()}
	lockedOut(t, "anonymous", e.check, created...)
	lockedOut(t, "wrong password", wrong, created...)
	assertOwnACL(t, r, created...)

	t.Run("reconnect", func(t *testing.T) {
		p.Block()
		testutil.Eventually(t, waitLong, func() error {
			if r.Ping(ctx) == nil {
				return errors.New("still connected")
			}
			return nil
		})
		p.Unblock()
		testutil.Eventually(t, waitLong, func() error { return r.Ping(ctx) })
		must(t, r.ReportUp(ctx)) // a set: needs WRITE on the node
	})
	t.Run("session expiry", func(t *testing.T) {
		old := r.Node()
		drainWake(r)
		e.z.ExpireSession(t, p, r.sess.Client().SessionID())
		select {
		case <-r.Wake():
		case <-time.After(waitLong):
			t.Fatal("no wake after the session expired")
		}
		testutil.Eventually(t, waitLong, func() error { return workerRound(r) }) // a create under zkPath
		if r.Node() == old {
			t.Fatalf("node %s not re-created", old)
		}
		assertOwnACL(t, r, r.Node())
		lockedOut(t, "anonymous", e.check, zkPath, r.Node())
	})
}

func assertOwnACL(t *testing.T, r *Reporter, paths ...string) {
	t.Helper()
	conn, ok := r.sess.Client().(*zk.Conn)
	if !ok {
		t.Fatalf("session connection is a %T", r.sess.Client())
	}
	for _, p := range paths {
		// Read as the owner: ZooKeeper masks digests for others.
		acl, _, err := conn.Raw().GetACL(p)
		if err != nil || !slices.Equal(acl, r.acl) || len(acl) != 2 || acl[0].Perms != zk.PermRead {
			t.Errorf("ACL of %s = %v, %v; want world:anyone READ + the digest identity ALL (%v)", p, acl, err, r.acl)
		}
	}
}

// Without zk_auth nothing changes: world:anyone ALL, as before.
func TestZKNoAuthKeepsOpenACL(t *testing.T) {
	e := newRealEnv(t)
	r := e.start(t, e.z.Addrs(), 2*time.Second)
	must(t, r.ReportUp(ctx))
	for _, p := range []string{e.root, r.Node()} {
		acl, _, err := e.check.Raw().GetACL(p)
		if err != nil || !slices.Equal(acl, zk.OpenACL) {
			t.Errorf("ACL of %s = %v, %v; want %v", p, acl, err, zk.OpenACL)
		}
	}
}

// Services naming the same hosts with different credentials (or none)
// must not share a session: one would write with the other's identity.
func TestZKPoolKeysOnIdentity(t *testing.T) {
	e := newRealEnv(t)
	must(t, e.check.EnsurePath(ctx, path.Dir(e.root)))
	a := credFile(t, "a:"+testSecret)
	plain := e.start(t, e.z.Addrs(), 2*time.Second)
	withA := e.start(t, e.z.Addrs(), 2*time.Second, func(c *Config) { c.ZKAuth = &zkconfig.Auth{CredentialsFile: a} })
	withA2 := e.start(t, e.z.Addrs(), 2*time.Second, func(c *Config) { c.ZKAuth = &zkconfig.Auth{CredentialsFile: a} })
	withB := e.start(t, e.z.Addrs(), 2*time.Second, func(c *Config) {
		c.ZKAuth = &zkconfig.Auth{CredentialsFile: credFile(t, "b:"+testSecret)}
	})
	if plain.sess == withA.sess || withA.sess != withA2.sess || withA.sess == withB.sess || e.pool.Len() != 3 {
		t.Fatalf("sessions: plain %p, a %p, a again %p, b %p; pool has %d, want 3", plain.sess, withA.sess, withA2.sess, withB.sess, e.pool.Len())
	}
}
