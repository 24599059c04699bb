package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Netty's TLS server needs jars that zookeeper.jar's manifest does not list
// (the codec its SslHandler extends, the resolver, the native transport's
// common classes); Debian ships them next to it.
var zkNettyJars = []string{
	"/usr/share/java/netty-codec.jar",
	"/usr/share/java/netty-resolver.jar",
	"/usr/share/java/netty-transport-native-unix-common.jar",
}

// ZKTLS is what a ZooKeeper's secure client port presents and trusts, all
// PEM. ClientAuth is ssl.clientAuth: "none", "want" or "need" (empty means
// "none").
type ZKTLS struct {
	CertPEM, KeyPEM []byte // the server's certificate and private key
	CAPEM           []byte // CAs a client certificate must chain to
	ClientAuth      string
}

// StartZooKeeperTLS starts a standalone ZooKeeper for this test with its
// plain client port and a TLS client port (SecureAddr), stopped on cleanup.
// It runs the Netty connection factory, the only one ZooKeeper serves TLS on.
func StartZooKeeperTLS(t testing.TB, tls ZKTLS) *ZooKeeper {
	t.Helper()
	requireServer(t, "ZooKeeper with TLS", func() error {
		if err := ZooKeeperInstalled(); err != nil {
			return err
		}
		for _, j := range zkNettyJars {
			if _, err := os.Stat(j); err != nil {
				return fmt.Errorf("zookeeper TLS needs %s: %w; run `make deps` (or `apt-get install -y libnetty-java`)", j, err)
			}
		}
		return nil
	})
	z, err := startZooKeeperTLS(t.TempDir(), 1, zkFreePorts, &tls)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("zookeeper logs:\n%s", z.LogTails(60))
		}
		if err := z.Stop(); err != nil {
			t.Error(err)
		}
	})
	return z
}

// SecureAddr returns node i's TLS client address, "" when it has none.
func (z *ZooKeeper) SecureAddr(i int) string {
	n := z.nodes[i]
	if n.tls == nil {
		return ""
	}
	return "127.0.0.1:" + strconv.Itoa(n.securePort)
}

// writeConfig writes the PEM stores into dir and the zoo.cfg lines that
// use them. ZooKeeper 3.8 reads PEM key and trust stores directly
// (ssl.keyStore.type=PEM: certificate and key in one file).
func (c *ZKTLS) writeConfig(b *strings.Builder, dir string, port int) error {
	keyStore := filepath.Join(dir, "keystore.pem")
	trustStore := filepath.Join(dir, "truststore.pem")
	if err := os.WriteFile(keyStore, append(append([]byte{}, c.CertPEM...), c.KeyPEM...), 0o600); err != nil {
		return fmt.Errorf("write zookeeper key store: %w", err)
	}
	if err := os.WriteFile(trustStore, c.CAPEM, 0o644); err != nil {
		return fmt.Errorf("write zookeeper trust store: %w", err)
	}
	auth := c.ClientAuth
	if auth == "" {
		auth = "none"
	}
	fmt.Fprintf(b, "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n")
	fmt.Fprintf(b, "secureClientPort=%d\nsecureClientPortAddress=127.0.0.1\n", port)
	fmt.Fprintf(b, "ssl.keyStore.location=%s\nssl.keyStore.type=PEM\n", keyStore)
	fmt.Fprintf(b, "ssl.trustStore.location=%s\nssl.trustStore.type=PEM\n", trustStore)
	// Client certificates name no host: check the chain, not the peer's name.
	fmt.Fprintf(b, "ssl.clientAuth=%s\nssl.hostnameVerification=false\n", auth)
	return nil
}
