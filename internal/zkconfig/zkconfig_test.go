package zkconfig_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const secret = "pa55-w0rd"

type section struct {
	Hosts             []string `yaml:"hosts"`
	zkconfig.Security `yaml:",inline"`
}

func decode(t *testing.T, yml string) (*section, []config.Warning, error) {
	t.Helper()
	var s section
	w, err := config.Decode("/etc/test.yaml", []byte(yml), &s)
	return &s, w, err
}

func writeFile(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // umask must not soften the test
		t.Fatal(err)
	}
	return p
}

func TestAuthLoads(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good", "nerve:"+secret+"\n", 0o600)
	open := writeFile(t, dir, "open", "nerve:"+secret, 0o644)
	t.Setenv("TEST_ZK_DIGEST", "synapse:"+secret)
	for _, tc := range []struct {
		name, yml, user, warn string
	}{
		{"file", "zk_auth: {credentials_file: " + good + "}", "nerve", ""},
		{"scheme spelled out", "zk_auth: {scheme: digest, credentials_file: " + good + "}", "nerve", ""},
		{"env", "zk_auth: {credentials_env: TEST_ZK_DIGEST}", "synapse", ""},
		{"file readable by all", "zk_auth: {credentials_file: " + open + "}", "nerve", `zk_auth.credentials_file: "` + open + `" is readable by every user`},
		{"unknown key", "zk_auth: {credentials_env: TEST_ZK_DIGEST, pasword: x}", "synapse", "zk_auth.pasword: unknown key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, warns, err := decode(t, tc.yml)
			if err != nil {
				t.Fatal(err)
			}
			var o zk.Options
			if err := s.Apply(&o); err != nil || o.Auth == nil || o.Auth.User() != tc.user {
				t.Fatalf("Apply: %v, auth %v; want user %s", err, o.Auth, tc.user)
			}
			got := fmt.Sprint(warns)
			if tc.warn == "" && len(warns) > 0 || !strings.Contains(got, tc.warn) {
				t.Fatalf("warnings %s, want %q", got, tc.warn)
			}
		})
	}
}

func TestAuthErrors(t *testing.T) {
	dir := t.TempDir()
	noColon := writeFile(t, dir, "nocolon", secret, 0o600)
	missing := filepath.Join(dir, "missing")
	t.Setenv("TEST_ZK_EMPTY", "")
	for _, tc := range []struct{ name, yml, want string }{
		{"sasl", "zk_auth: {scheme: sasl, credentials_env: X}", `zk_auth.scheme: "sasl" is not supported`},
		{"neither", "zk_auth: {scheme: digest}", "zk_auth.credentials_file: missing"},
		{"both", "zk_auth: {credentials_file: /a, credentials_env: B}", `zk_auth.credentials_file: "/a" and credentials_env "B" are both set`},
		{"missing file", "zk_auth: {credentials_file: " + missing + "}", `zk_auth.credentials_file: "` + missing + `": stat`},
		{"not user:password", "zk_auth: {credentials_file: " + noColon + "}", `zk_auth.credentials_file: "` + noColon + `": zk digest credential must be user:password`},
		{"env unset", "zk_auth: {credentials_env: TEST_ZK_UNSET_XYZ}", "zk_auth.credentials_env: environment variable TEST_ZK_UNSET_XYZ is not set"},
		{"env empty", "zk_auth: {credentials_env: TEST_ZK_EMPTY}", "environment variable TEST_ZK_EMPTY is not set or empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decode(t, tc.yml)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "/etc/test.yaml:1: ") {
				t.Fatalf("error %v, want /etc/test.yaml:1: ...%q", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the secret: %v", err)
			}
		})
	}
}

// A changed file changes SecretsID, which the daemons' reload diff uses.
func TestSecretsIDFollowsTheFile(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "cred", "nerve:one", 0o600)
	yml := "zk_auth: {credentials_file: " + f + "}"
	s1, _, err := decode(t, yml)
	if err != nil {
		t.Fatal(err)
	}
	s2, _, _ := decode(t, yml)
	writeFile(t, dir, "cred", "nerve:two", 0o600)
	s3, _, _ := decode(t, yml)
	none, _, _ := decode(t, "hosts: [a]")
	if s1.SecretsID() != s2.SecretsID() || s1.SecretsID() == s3.SecretsID() || none.SecretsID() != "" {
		t.Fatalf("SecretsID same file %q/%q, changed file %q, none %q", s1.SecretsID(), s2.SecretsID(), s3.SecretsID(), none.SecretsID())
	}
	if strings.Contains(s3.SecretsID(), "two") {
		t.Fatal("SecretsID shows the secret")
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	ca := testutil.NewTestCA(t, "ca")
	certPEM, keyPEM := ca.Issue(t, "nerve", nil)
	caFile := writeFile(t, dir, "ca.pem", string(ca.PEM), 0o644)
	cert := writeFile(t, dir, "cert.pem", string(certPEM), 0o644)
	key := writeFile(t, dir, "key.pem", string(keyPEM), 0o600)
	openKey := writeFile(t, dir, "open-key.pem", string(keyPEM), 0o644)
	junk := writeFile(t, dir, "junk.pem", "not pem", 0o644)
	for _, tc := range []struct{ name, yml, err, warn string }{
		{"full", fmt.Sprintf("zk_tls: {ca_file: %s, cert_file: %s, key_file: %s, server_name: zk.internal}", caFile, cert, key), "", ""},
		{"ca only", "zk_tls: {ca_file: " + caFile + "}", "", ""},
		{"system roots", "zk_tls: {}", "", ""},
		{"key readable by all", fmt.Sprintf("zk_tls: {cert_file: %s, key_file: %s}", cert, openKey), "", "is readable by every user"},
		{"cert without key", "zk_tls: {cert_file: " + cert + "}", `zk_tls.key_file: missing; cert_file "` + cert + `" needs its key`, ""},
		{"ca not PEM", "zk_tls: {ca_file: " + junk + "}", `zk_tls.ca_file: "` + junk + `": ca: no PEM certificate`, ""},
		{"missing ca", "zk_tls: {ca_file: /nonexistent/ca.pem}", `zk_tls.ca_file: "/nonexistent/ca.pem": open`, ""},
		{"key is not the cert's", fmt.Sprintf("zk_tls: {cert_file: %s, key_file: %s}", cert, caFile), `zk_tls.cert_file: "` + cert + `" with key_file`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, warns, err := decode(t, tc.yml)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var o zk.Options
			if err := s.Apply(&o); err != nil || o.TLS == nil {
				t.Fatalf("Apply: %v, TLS %v", err, o.TLS)
			}
			if got := fmt.Sprint(warns); tc.warn == "" && len(warns) > 0 || !strings.Contains(got, tc.warn) {
				t.Fatalf("warnings %s, want %q", got, tc.warn)
			}
		})
	}
}

// A section built in code (not decoded) is loaded by Apply and checked by
// Validate.
func TestBuiltInCode(t *testing.T) {
	t.Setenv("TEST_ZK_DIGEST", "nerve:"+secret)
	s := zkconfig.Security{ZKAuth: &zkconfig.Auth{CredentialsEnv: "TEST_ZK_DIGEST"}}
	var o zk.Options
	if err := s.Apply(&o); err != nil || o.Auth == nil {
		t.Fatalf("Apply = %v, %v", err, o.Auth)
	}
	bad := zkconfig.Security{ZKAuth: &zkconfig.Auth{}, ZKTLS: &zkconfig.TLS{KeyFile: "/k"}}
	err := bad.Validate()
	for _, want := range []string{"zk_auth.credentials_file: missing", "zk_tls.cert_file: missing"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want %q", err, want)
		}
	}
}
