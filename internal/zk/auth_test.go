package zk_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

const secret = "s3cr3t-pw"

func TestNewAuthRejects(t *testing.T) {
	for _, tc := range []struct{ name, scheme, cred, want string }{
		{"scheme", "sasl", "u:" + secret, `scheme "sasl" is not supported`},
		{"no colon", "digest", secret, "user:password"},
		{"empty user", "digest", ":" + secret, "empty user"},
		{"empty password", "digest", "nerve:", "empty password"},
		{"newline", "digest", "nerve:" + secret + "\n", "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := zk.NewAuth(tc.scheme, tc.cred)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewAuth = %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q shows the secret", err)
			}
		})
	}
}

// The credential must not leak through any way a daemon prints things.
func TestAuthNeverPrintsSecret(t *testing.T) {
	a, err := zk.NewAuth("digest", "nerve:"+secret)
	if err != nil {
		t.Fatal(err)
	}
	ca := testutil.NewTestCA(t, "ca")
	certPEM, keyPEM := ca.Issue(t, "c", nil)
	tlsCfg, err := zk.NewTLS(ca.PEM, certPEM, keyPEM, "")
	if err != nil {
		t.Fatal(err)
	}
	opts := zk.Options{Auth: a, TLS: tlsCfg}
	key, _ := pem.Decode(keyPEM)
	priv, err := x509.ParsePKCS8PrivateKey(key.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := priv.(*ecdsa.PrivateKey).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	d := new(big.Int).SetBytes(raw) // the secret scalar, as fmt would print it
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("x", "auth", a, "opts", opts)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("x", "auth", a, "opts", opts)
	j, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	outs := map[string]string{"text log": text.String(), "json log": js.String(), "json": string(j)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outs[verb] = fmt.Sprintf(verb, a)
		outs[verb+" options"] = fmt.Sprintf(verb, opts)
		outs[verb+" tls"] = fmt.Sprintf(verb, tlsCfg)
	}
	for name, out := range outs {
		if strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) || strings.Contains(out, d.String()) {
			t.Errorf("%s shows the secret: %s", name, out)
		}
	}
	if got := fmt.Sprint(a); got != "digest:nerve:<redacted>" {
		t.Errorf("String = %q", got)
	}
}

func TestOptionsIdentity(t *testing.T) {
	a1, _ := zk.NewAuth("digest", "nerve:"+secret)
	a2, _ := zk.NewAuth("digest", "nerve:"+secret)
	b, _ := zk.NewAuth("digest", "nerve:other")
	if (zk.Options{}).Identity() != "" {
		t.Error("no auth, no TLS: identity must be empty (pool keys stay as they were)")
	}
	if id1, id2 := (zk.Options{Auth: a1}).Identity(), (zk.Options{Auth: a2}).Identity(); id1 != id2 || id1 == "" {
		t.Errorf("equal credentials: identities %q and %q, want equal and set", id1, id2)
	}
	if (zk.Options{Auth: a1}).Identity() == (zk.Options{Auth: b}).Identity() {
		t.Error("different passwords share an identity")
	}
	if strings.Contains((zk.Options{Auth: a1}).Identity(), secret) {
		t.Error("identity shows the secret")
	}
}
