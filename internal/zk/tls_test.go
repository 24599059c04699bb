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
	srvCert, srvKey := ca.Issue(t, "zookeeper", []net.IP{net.IPv4(127, 0, 0, 1)})
	cliCert, cliKey := ca.Issue(t, "nerve", nil)
	z := testutil.StartZooKeeperTLS(t, testutil.ZKTLS{CertPEM: srvCert, KeyPEM: srvKey, CAPEM: ca.PEM, ClientAuth: "need"})
	addr := []string{z.SecureAddr(0)}
	other := testutil.NewTestCA(t, "someone else's CA")

	mustTLS := func(t *testing.T, ca, cert, key []byte, name string) *zk.TLS {
		t.Helper()
		c, err := zk.NewTLS(ca, cert, key, name)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Run("registers and reads", func(t *testing.T) {
		c := connect(t, addr, zk.Options{TLS: mustTLS(t, ca.PEM, cliCert, cliKey, "")})
		path := testutil.ZKPath(t)
		if err := c.EnsurePath(context.Background(), path); err != nil {
			t.Fatal(err)
		}
		if ok, _, err := c.Exists(path); !ok || err != nil {
			t.Fatalf("exists %s over TLS = %v, %v", path, ok, err)
		}
	})
	for _, tc := range []struct {
		name string
		tls  *zk.TLS
		want string
	}{
		{"wrong CA", mustTLS(t, other.PEM, cliCert, cliKey, ""), "certificate signed by unknown authority"},
		{"wrong server name", mustTLS(t, ca.PEM, cliCert, cliKey, "zk.example.com"), "wanted to match zk.example.com"},
		{"no client certificate", mustTLS(t, ca.PEM, nil, nil, ""), "bad certificate"},
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
