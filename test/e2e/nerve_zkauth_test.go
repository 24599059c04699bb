package e2e

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// nerve with zk_auth: the registration is read-only to others; a SIGHUP
// after the credential file changed re-registers with the new identity
// (the rotation recipe of docs/nerve.md: the parent's ACL names both); the
// password never reaches the log.
func TestNerveZKAuthRotation(t *testing.T) {
	const oldPw, newPw = "old-Pa55word", "new-Pa55word"
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	if _, err := zc.Create(path.Dir(root), nil, 0, gozk.WorldACL(gozk.PermAll)); err != nil && !errors.Is(err, gozk.ErrNodeExists) {
		t.Fatal(err)
	}
	// The operator made zk_path itself with both identities in its ACL:
	// without that, the new identity could not register under the zk_path
	// the old one created.
	acl := append(gozk.WorldACL(gozk.PermRead), gozk.DigestACL(gozk.PermAll, "nerve", oldPw)[0], gozk.DigestACL(gozk.PermAll, "nerve2", newPw)[0])
	if _, err := zc.Create(root, nil, 0, acl); err != nil {
		t.Fatal(err)
	}
	cred := filepath.Join(t.TempDir(), "zk-digest")
	if err := os.WriteFile(cred, []byte("nerve:"+oldPw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := newHealthService(t)
	s := service(svc.port, z.ConnectString(), root)
	s["zk_auth"] = map[string]any{"credentials_file": cred}
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	writeConfig(t, cfgPath, map[string]any{"instance_id": "e2e-host", "services": map[string]any{"web": s}})
	p := startNerve(t, "-c", cfgPath)
	wantChildren(t, zc, root, payload(svc.port))

	names, _, err := zc.Children(root)
	if err != nil || len(names) != 1 {
		t.Fatalf("children %v, %v", names, err)
	}
	if _, err := zc.Set(root+"/"+names[0], []byte(`{"host":"6.6.6.6","port":80}`), -1); !errors.Is(err, gozk.ErrNoAuth) {
		t.Fatalf("anonymous set of nerve's node: %v, want %v", err, gozk.ErrNoAuth)
	}
	if _, err := zc.Create(root+"/evil", []byte(`{"host":"6.6.6.6","port":80}`), 0, gozk.WorldACL(gozk.PermAll)); !errors.Is(err, gozk.ErrNoAuth) {
		t.Fatalf("anonymous create under nerve's zk_path: %v, want %v", err, gozk.ErrNoAuth)
	}

	if err := os.WriteFile(cred, []byte("nerve2:"+newPw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	owner := connectZK(t, z.Addrs())
	if err := owner.AddAuth("digest", []byte("nerve2:"+newPw)); err != nil {
		t.Fatal(err)
	}
	p.signal(t, syscall.SIGHUP)
	testutil.Eventually(t, 15*time.Second, func() error {
		got, _, err := zc.Children(root)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0] == names[0] {
			return errors.New("not re-registered yet: " + strings.Join(got, ","))
		}
		a, _, err := owner.GetACL(root + "/" + got[0])
		if err != nil || len(a) != 2 || a[1].ID != gozk.DigestACL(gozk.PermAll, "nerve2", newPw)[0].ID {
			return errors.New("new node's ACL does not name the new identity")
		}
		return nil
	})
	for _, pw := range []string{oldPw, newPw} {
		if strings.Contains(p.stderr.String(), pw) {
			t.Fatalf("nerve's log shows a password")
		}
	}
}
