package zk

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// SchemeDigest is ZooKeeper's built-in user:password scheme, the only one
// Auth accepts: go-zookeeper has no SASL client.
const SchemeDigest = "digest"

const redacted = "<redacted>"

// Auth is one ZooKeeper credential, sent with AddAuth on connect and, by the
// library, again on every reconnect and new session. It never prints its
// secret: String, GoString, Format, LogValue and MarshalText all redact it,
// so an Auth can sit in Options that end up in a log line or an error.
type Auth struct {
	scheme string
	user   string
	cred   []byte // user:password
	id     string // keyed hash of scheme and cred, for pool keys
}

// NewAuth checks a credential of scheme digest ("user:password", neither
// part empty, no control characters). The error never quotes the secret.
func NewAuth(scheme, credential string) (*Auth, error) {
	if scheme != SchemeDigest {
		return nil, fmt.Errorf("zk auth scheme %q is not supported; want %q", scheme, SchemeDigest)
	}
	user, password, ok := strings.Cut(credential, ":")
	switch {
	case !ok:
		return nil, errors.New("zk digest credential must be user:password (no ':' found)")
	case user == "":
		return nil, errors.New("zk digest credential has an empty user")
	case password == "":
		return nil, fmt.Errorf("zk digest credential for user %q has an empty password", user)
	case strings.ContainsFunc(credential, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return nil, fmt.Errorf("zk digest credential for user %q contains a control character (a trailing newline?)", safeUser(user))
	}
	return &Auth{scheme: scheme, user: user, cred: []byte(credential), id: keyedHash("auth", scheme, credential)}, nil
}

// safeUser keeps a user name with control characters out of messages.
func safeUser(u string) string {
	if strings.ContainsFunc(u, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "(unprintable)"
	}
	return u
}

// Scheme is the auth scheme, "digest".
func (a *Auth) Scheme() string { return a.scheme }

// User is the digest user name, which is not secret (ACLs show it).
func (a *Auth) User() string { return a.user }

// ID identifies the credential within this process without revealing it:
// equal credentials have equal IDs. It is a keyed hash with a key made at
// start-up, so it is useless for guessing the password offline.
func (a *Auth) ID() string { return a.id }

// ACL is what znodes created with this credential get: everyone may read,
// only this identity may write, create or delete children, or change the
// ACL. The digest form names the identity explicitly, unlike the "auth"
// scheme, which would also grant any other credential the session holds.
func (a *Auth) ACL() []ACL {
	_, password, _ := strings.Cut(string(a.cred), ":")
	return append(gozk.WorldACL(gozk.PermRead), gozk.DigestACL(gozk.PermAll, a.user, password)...)
}

func (a *Auth) String() string {
	if a == nil {
		return "<nil>"
	}
	return a.scheme + ":" + safeUser(a.user) + ":" + redacted
}

// GoString covers %#v, which would otherwise print the fields.
func (a *Auth) GoString() string { return a.String() }

// Format makes every verb (%v, %+v, %#v, %s, %q, %x...) print String.
func (a *Auth) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", a.String())
		return
	}
	_, _ = f.Write([]byte(a.String()))
}

// LogValue keeps slog's handlers (JSON included) from reflecting fields.
func (a *Auth) LogValue() slog.Value { return slog.StringValue(a.String()) }

// MarshalText covers JSON and YAML encoders (status endpoints, dumps).
func (a *Auth) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// hashKey makes IDs unlinkable across processes: an ID in a log is no
// offline oracle for the password.
var hashKey = func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k) // never fails on supported platforms
	return k
}()

func keyedHash(parts ...string) string {
	m := hmac.New(sha256.New, hashKey)
	for _, p := range parts {
		fmt.Fprintf(m, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(m.Sum(nil)[:8])
}
