package zookeeper

import (
	"context"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	nerve "github.com/smartstack-go/smartstack/internal/reporter/zookeeper"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const regData = `{"host":"127.0.0.1","port":3000,"name":"i-1"}`

// regBackend is regData as the watcher reports it.
const regBackend = `{"name":"i-1","host":"127.0.0.1","port":3000,"id":0,"weight":null,"haproxy_server_options":null,"labels":null}`

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// register runs nerve's zookeeper reporter for one instance until the test
// ends and reports it up.
func register(t *testing.T, hosts []string, zkPath string, sec zkconfig.Security) {
	t.Helper()
	cfg := nerve.NewConfig()
	cfg.ZKHosts, cfg.ZKPath, cfg.Security = hosts, zkPath, sec
	svc := reporter.Service{Name: "web", InstanceID: "i-1", Payload: []byte(regData)}
	r, err := nerve.New(svc, cfg, reporter.Options{Pool: nerve.NewPool(), SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
	})
	testutil.Eventually(t, waitLong, func() error { return r.ReportUp(context.Background()) })
}

// nerve registers with zk_auth (read-only ACLs for everyone else); synapse
// watches without a credential, both methods, and with one.
func TestWatchesRegistrationsOfAnAuthenticatedNerve(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	open := zkConn(t, z.Addrs())
	base := testutil.ZKPath(t)
	mustEnsure(t, open, path.Dir(base)) // /testutil stays open for the other tests
	root := base + "/services/web"
	t.Setenv("TEST_ZK_DIGEST", "nerve:"+"s3cret")
	register(t, z.Addrs(), root, zkconfig.Security{ZKAuth: &zkconfig.Auth{CredentialsEnv: "TEST_ZK_DIGEST"}})
	if _, err := open.Create(root+"/evil", []byte(`{"host":"6.6.6.6","port":80}`), 0, zk.OpenACL); err == nil {
		t.Fatal("a client without the credential added a registration")
	}
	for _, tc := range []struct {
		name, method string
		sec          zkconfig.Security
	}{
		{"watch without credential", Method, zkconfig.Security{}},
		{"poll without credential", PollMethod, zkconfig.Security{}},
		{"watch with the credential", Method, zkconfig.Security{ZKAuth: &zkconfig.Auth{CredentialsEnv: "TEST_ZK_DIGEST"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(z.Addrs(), root)
			cfg.Security = tc.sec
			var w any = cfg
			if tc.method == PollMethod {
				pc := NewPollConfig()
				pc.Config = *cfg
				w = pc
			}
			r := start(t, tc.method, w, nil)
			r.Await(t, "the registration", backends(regBackend))
			if strings.Contains(r.logs.String(), "could not create the service znode") {
				t.Errorf("watcher failed to ensure the existing path:\n%s", r.logs.String())
			}
		})
	}
}

// nerve registers and synapse watches over TLS, each with its client
// certificate; a synapse trusting another CA is refused and says why.
func TestTLSRegistersAndWatches(t *testing.T) {
	dir := t.TempDir()
	ca := testutil.NewTestCA(t, "zk CA")
	srvCert, srvKey := ca.Issue(t, "zookeeper", []net.IP{net.IPv4(127, 0, 0, 1)})
	z := testutil.StartZooKeeperTLS(t, testutil.ZKTLS{CertPEM: srvCert, KeyPEM: srvKey, CAPEM: ca.PEM, ClientAuth: "need"})
	hosts := []string{z.SecureAddr(0)}
	clientTLS := func(name string, trust []byte) *zkconfig.TLS {
		cert, key := ca.Issue(t, name, nil)
		return &zkconfig.TLS{
			CAFile:   writeFile(t, dir, name+"-ca.pem", trust),
			CertFile: writeFile(t, dir, name+"-cert.pem", cert),
			KeyFile:  writeFile(t, dir, name+"-key.pem", key),
		}
	}
	root := testutil.ZKPath(t)
	register(t, hosts, root, zkconfig.Security{ZKTLS: clientTLS("nerve", ca.PEM)})

	cfg := testConfig(hosts, root)
	cfg.ZKTLS = clientTLS("synapse", ca.PEM)
	r := start(t, Method, cfg, nil)
	r.Await(t, "the registration over TLS", backends(regBackend))

	t.Run("wrong CA", func(t *testing.T) {
		cfg := testConfig(hosts, root)
		cfg.ZKTLS = clientTLS("synapse-wrong-ca", testutil.NewTestCA(t, "other CA").PEM)
		r := start(t, Method, cfg, nil)
		testutil.Eventually(t, waitLong, func() error {
			if !strings.Contains(r.logs.String(), "certificate signed by unknown authority") {
				return fmt.Errorf("log does not name the certificate error yet:\n%s", r.logs.String())
			}
			return nil
		})
	})
}
