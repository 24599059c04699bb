package zkconfig

import (
	"errors"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// Auth is the zk_auth section: a digest credential ("user:password") from
// a file or an environment variable, exactly one of them.
type Auth struct {
	// Scheme is the ZooKeeper auth scheme; empty means "digest", the only
	// one supported (go-zookeeper has no SASL client).
	Scheme          string `yaml:"scheme"`
	CredentialsFile string `yaml:"credentials_file"`
	CredentialsEnv  string `yaml:"credentials_env"`

	auth    *zk.Auth
	warning string // about the file's mode, reported once at decode
	loadErr error
	loaded  bool
	decoded bool // UnmarshalConfig reported loadErr already
}

// UnmarshalConfig decodes the section and reads the credential at once, so
// the value belongs to this load of the config.
func (a *Auth) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	type plain Auth
	d.Decode(n, path, (*plain)(a))
	a.loaded, a.decoded = false, true
	err := a.ensure()
	if a.warning != "" {
		d.Warnf(n, config.KeyPath(path, "credentials_file"), "%s", a.warning)
	}
	decodeErr(d, n, path, err)
	return nil
}

// String shows where the credential comes from, never the credential.
func (a *Auth) String() string {
	src := "credentials_file=" + a.CredentialsFile
	if a.CredentialsEnv != "" {
		src = "credentials_env=" + a.CredentialsEnv
	}
	return fmt.Sprintf("zk_auth(%s %s)", a.scheme(), src)
}

func (a *Auth) scheme() string {
	if a.Scheme == "" {
		return zk.SchemeDigest
	}
	return a.Scheme
}

// ensure loads the credential once; errors start with their key.
func (a *Auth) ensure() error {
	if !a.loaded {
		a.auth, a.warning, a.loadErr = a.load()
		a.loaded = true
	}
	return a.loadErr
}

func (a *Auth) load() (*zk.Auth, string, error) {
	if a.scheme() != zk.SchemeDigest {
		return nil, "", fmt.Errorf("scheme: %q is not supported; want %q (go-zookeeper has no SASL client)", a.Scheme, zk.SchemeDigest)
	}
	var (
		cred, warning, key, where string
	)
	switch {
	case a.CredentialsFile != "" && a.CredentialsEnv != "":
		return nil, "", fmt.Errorf("credentials_file: %q and credentials_env %q are both set; want one", a.CredentialsFile, a.CredentialsEnv)
	case a.CredentialsFile != "":
		data, w, err := readSecret(a.CredentialsFile)
		if err != nil {
			return nil, "", fmt.Errorf("credentials_file: %q: %w", a.CredentialsFile, err)
		}
		cred, warning, key, where = trimNewline(string(data)), w, "credentials_file", fmt.Sprintf("%q", a.CredentialsFile)
	case a.CredentialsEnv != "":
		v, ok := os.LookupEnv(a.CredentialsEnv)
		if !ok || v == "" {
			return nil, "", fmt.Errorf("credentials_env: environment variable %s is not set or empty", a.CredentialsEnv)
		}
		cred, key, where = v, "credentials_env", "environment variable "+a.CredentialsEnv
	default:
		return nil, "", errors.New("credentials_file: missing; want credentials_file or credentials_env holding user:password")
	}
	auth, err := zk.NewAuth(zk.SchemeDigest, cred)
	if err != nil {
		return nil, warning, fmt.Errorf("%s: %s: %w", key, where, err)
	}
	return auth, warning, nil
}
