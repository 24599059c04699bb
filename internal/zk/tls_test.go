package zk_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// TestTLS runs a ZooKeeper whose secure port wants a client certificate
// from the test CA, and tries clients that should and should not get in.
func TestTLS(t *testing.T) {
	ca := testutil.NewTestCA(t, "zk test CA")
	// Named for localhost only, so each check shows which name was verified.
	srvCert, srvKey := ca.Issue(t, "zookeeper", nil, "localhost")
	cliCert, cliKey := ca.Issue(t, "nerve", nil)
	z := testutil.StartZooKeeperTLS(t, testutil.ZKTLS{CertPEM: srvCert, KeyPEM: srvKey, CAPEM: ca.PEM, ClientAuth: "need"})
	addr := []string{z.SecureAddr(0)}
	_, port, _ := net.SplitHostPort(z.SecureAddr(0))
	byName := []string{"localhost:" + port}
	other := testutil.NewTestCA(t, "someone else's CA")

	mustTLS := func(t *testing.T, ca, cert, key []byte, name string) *zk.TLS {
		t.Helper()
		c, err := zk.NewTLS(ca, cert, key, name)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Run("server name from the configured host", func(t *testing.T) {
		c := connect(t, byName, zk.Options{TLS: mustTLS(t, ca.PEM, cliCert, cliKey, "")})
		path := testutil.ZKPath(t)
		if err := c.EnsurePath(context.Background(), path); err != nil {
			t.Fatal(err)
		}
		if ok, _, err := c.Exists(path); !ok || err != nil {
			t.Fatalf("exists %s over TLS = %v, %v", path, ok, err)
		}
	})
	t.Run("configured server name", func(t *testing.T) {
		c := connect(t, addr, zk.Options{TLS: mustTLS(t, ca.PEM, cliCert, cliKey, "localhost")})
		if _, _, err := c.Exists("/"); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name string
		tls  *zk.TLS
		want string
	}{
		{"wrong CA", mustTLS(t, other.PEM, cliCert, cliKey, "localhost"), "certificate signed by unknown authority"},
		{"wrong server name", mustTLS(t, ca.PEM, cliCert, cliKey, "zk.example.com"), "valid for localhost, not zk.example.com"},
		{"address not in the certificate", mustTLS(t, ca.PEM, cliCert, cliKey, ""), "doesn't contain any IP SANs"},
		{"no client certificate", mustTLS(t, ca.PEM, nil, nil, "localhost"), "bad certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := zk.Connect(context.Background(), addr,
				zk.Options{SessionTimeout: 4 * time.Second, ConnectTimeout: 3 * time.Second, TLS: tc.tls})
			if err == nil {
				c.Close()
				t.Fatal("connected; want refused")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestNewTLSRejects(t *testing.T) {
	ca := testutil.NewTestCA(t, "ca")
	cert, key := ca.Issue(t, "c", nil)
	for _, tc := range []struct {
		name                string
		caPEM, cert, keyPEM []byte
		want                string
	}{
		{"ca not PEM", []byte("nope"), nil, nil, "ca: no PEM certificate"},
		{"cert without key", ca.PEM, cert, nil, "without a key"},
		{"key without cert", ca.PEM, nil, key, "without a certificate"},
		{"key of another cert", ca.PEM, cert, func() []byte { _, k := ca.Issue(t, "d", nil); return k }(), "client certificate and key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := zk.NewTLS(tc.caPEM, tc.cert, tc.keyPEM, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewTLS = %v, want %q", err, tc.want)
			}
		})
	}
}
