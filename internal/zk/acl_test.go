package zk_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func mustAuth(t *testing.T, cred string) *zk.Auth {
	t.Helper()
	a, err := zk.NewAuth(zk.SchemeDigest, cred)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// assertLockedOut checks that c can read each path but not change it: no
// set, no delete, no child.
func assertLockedOut(t *testing.T, who string, c zk.Client, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, _, err := c.Get(p); err != nil {
			t.Errorf("%s: get %s: %v, want readable", who, p, err)
		}
		if _, err := c.Set(p, []byte("evil"), -1); !errors.Is(err, zk.ErrNoAuth) {
			t.Errorf("%s: set %s: %v, want %v", who, p, err, zk.ErrNoAuth)
		}
		if _, err := c.Create(p+"/evil", nil, 0, zk.OpenACL); !errors.Is(err, zk.ErrNoAuth) {
			t.Errorf("%s: create child of %s: %v, want %v", who, p, err, zk.ErrNoAuth)
		}
	}
	// Deleting a node takes DELETE on its parent (paths[0]'s is open).
	for _, p := range paths[1:] {
		if err := c.Delete(p, -1); !errors.Is(err, zk.ErrNoAuth) {
			t.Errorf("%s: delete %s: %v, want %v", who, p, err, zk.ErrNoAuth)
		}
	}
}

// canWrite checks that the owner still can: a set on the node and a child
// created and deleted under it.
func canWrite(c zk.Client, node string) error {
	if _, err := c.Set(node, []byte("mine"), -1); err != nil {
		return fmt.Errorf("set %s: %w", node, err)
	}
	if _, err := c.Create(node+"/child", nil, zk.FlagEphemeral, zk.OpenACL); err != nil {
		return fmt.Errorf("create under %s: %w", node, err)
	}
	return c.Delete(node+"/child", -1)
}

func TestDigestACLAcrossReconnectAndExpiry(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	p := testutil.NewTCPProxy(t, z.Addr(0))
	owner := zk.Options{Auth: mustAuth(t, "nerve:"+secret)}
	c := connect(t, []string{p.Addr()}, owner)
	log := subscribe(t, c)
	// The test's root is open, as /testutil must stay for the other tests;
	// everything below it is created with the owner's ACL.
	anon, root := newRoot(t)
	parent := root + "/services/web"
	if err := zk.EnsurePathACL(context.Background(), c, parent, owner.CreateACL()); err != nil {
		t.Fatal(err)
	}
	node := parent + "/node"
	if _, err := c.Create(node, []byte("reg"), 0, owner.CreateACL()); err != nil {
		t.Fatal(err)
	}
	acl, _, err := c.Raw().GetACL(node)
	if err != nil || !slices.Equal(acl, owner.CreateACL()) || acl[0] != (zk.ACL{Perms: 1, Scheme: "world", ID: "anyone"}) {
		t.Fatalf("ACL of %s = %v, %v; want world:anyone READ and the digest identity ALL", node, acl, err)
	}

	wrong := connect(t, z.Addrs(), zk.Options{Auth: mustAuth(t, "nerve:wrong")})
	created := []string{root + "/services", parent, node}
	assertLockedOut(t, "anonymous", anon, created...)
	assertLockedOut(t, "wrong password", wrong, created...)
	if err := canWrite(c, node); err != nil {
		t.Fatalf("owner: %v", err)
	}
	// synapse ensures the path it watches: existing is enough, even where
	// it may not create.
	if err := anon.EnsurePath(context.Background(), parent); err != nil {
		t.Fatalf("reader's EnsurePath of the existing %s: %v", parent, err)
	}
	if err := anon.EnsurePath(context.Background(), parent+"/missing"); !errors.Is(err, zk.ErrNoAuth) {
		t.Fatalf("reader's EnsurePath below %s: %v, want %v", parent, err, zk.ErrNoAuth)
	}

	t.Run("reconnect", func(t *testing.T) {
		p.Block()
		log.waitState(t, zk.SessionDisconnected)
		p.Unblock()
		log.waitState(t, zk.SessionReconnected)
		if err := canWrite(c, node); err != nil {
			t.Fatalf("owner after reconnect (credential not re-sent?): %v", err)
		}
	})
	t.Run("session expiry", func(t *testing.T) {
		z.ExpireSession(t, p, c.SessionID())
		log.waitState(t, zk.SessionNew)
		if err := canWrite(c, node); err != nil {
			t.Fatalf("owner in the new session (credential not re-sent?): %v", err)
		}
	})
}

func TestEnsurePathACLLeavesExistingParents(t *testing.T) {
	_, root := newRoot(t) // root and its parents: OpenACL
	owner := zk.Options{Auth: mustAuth(t, "nerve:"+secret)}
	oc := connect(t, testutil.SharedZooKeeper(t).Addrs(), owner)
	if err := zk.EnsurePathACL(context.Background(), oc, root+"/svc", owner.CreateACL()); err != nil {
		t.Fatal(err)
	}
	// The owner reads the ACLs: ZooKeeper masks digests for others.
	for path, want := range map[string][]zk.ACL{root: zk.OpenACL, root + "/svc": owner.CreateACL()} {
		if acl, _, err := oc.Raw().GetACL(path); err != nil || !slices.Equal(acl, want) {
			t.Errorf("ACL of %s = %v, %v; want %v", path, acl, err, want)
		}
	}
}
