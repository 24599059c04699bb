// Package zkconfig is the zk_auth and zk_tls config sections nerve's
// zookeeper reporter and synapse's zookeeper watchers share: ZooKeeper
// digest credentials from a file or the environment, and the CA, client
// certificate and key for ZooKeeper's TLS client port.
//
// Secrets are read when the config is decoded, so a reload (SIGHUP) after
// the file changed picks up the new value through the daemons' normal
// config diff: SecretsID changes with the material and joins the
// fingerprints they compare.
package zkconfig

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// Security holds both sections; configs embed it with `yaml:",inline"`.
type Security struct {
	ZKAuth *Auth `yaml:"zk_auth"`
	ZKTLS  *TLS  `yaml:"zk_tls"`
}

// CheckHosts reports an empty host list, or an empty entry, under key
// (zk_hosts for nerve, hosts for synapse).
func CheckHosts(key string, hosts []string) []error {
	if len(hosts) == 0 {
		return []error{fmt.Errorf("%s: missing or empty; want a list of host:port", key)}
	}
	var errs []error
	for i, h := range hosts {
		if strings.TrimSpace(h) == "" {
			errs = append(errs, fmt.Errorf("%s[%d]: %q is empty", key, i, h))
		}
	}
	return errs
}

// Apply sets o's Auth and TLS from the loaded sections, loading a section
// built in code that was never decoded.
func (s *Security) Apply(o *zk.Options) error {
	var errs []error
	if s.ZKAuth != nil {
		if err := s.ZKAuth.ensure(); err != nil {
			errs = append(errs, prefixed("zk_auth.", err))
		}
		o.Auth = s.ZKAuth.auth
	}
	if s.ZKTLS != nil {
		if err := s.ZKTLS.ensure(); err != nil {
			errs = append(errs, prefixed("zk_tls.", err))
		}
		o.TLS = s.ZKTLS.tls
	}
	return errors.Join(errs...)
}

// Validate reports what Apply would fail on, each error starting with its
// key (zk_auth.credentials_file: ...), except for sections the config
// decoder loaded: it reported their errors, at their lines, already.
func (s *Security) Validate() error {
	var errs []error
	if a := s.ZKAuth; a != nil && !a.decoded {
		if err := a.ensure(); err != nil {
			errs = append(errs, prefixed("zk_auth.", err))
		}
	}
	if t := s.ZKTLS; t != nil && !t.decoded {
		if err := t.ensure(); err != nil {
			errs = append(errs, prefixed("zk_tls.", err))
		}
	}
	return errors.Join(errs...)
}

// SecretsID changes whenever the loaded credential or TLS material does,
// without revealing it (see zk.Options.Identity); "" when neither section
// is set. The daemons add it to the fingerprints they diff on reload.
func (s *Security) SecretsID() string {
	var o zk.Options
	if s.Apply(&o) != nil {
		return "invalid"
	}
	return o.Identity()
}

// decodeErr records errs (each "key: message") at their keys below path.
func decodeErr(d *config.Decoder, n *yaml.Node, path string, err error) {
	if err == nil {
		return
	}
	for _, e := range config.Unjoin(err) {
		key, msg, ok := strings.Cut(e.Error(), ": ")
		if !ok {
			d.Errorf(n, path, "%s", e)
			continue
		}
		d.Errorf(n, config.KeyPath(path, key), "%s", msg)
	}
}

// prefixed puts the section's name before the key of every joined error.
func prefixed(section string, err error) error {
	var out []error
	for _, e := range config.Unjoin(err) {
		out = append(out, fmt.Errorf("%s%w", section, e))
	}
	return errors.Join(out...)
}

// readSecret reads a file holding a secret and warns when other users may
// read it. A trailing newline (what editors and echo leave) is dropped.
func readSecret(file string) (data []byte, warning string, err error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, "", err
	}
	if fi.Mode().Perm()&0o004 != 0 {
		warning = fmt.Sprintf("%q is readable by every user (mode %04o); make it 0600 or 0640", file, fi.Mode().Perm())
	}
	data, err = os.ReadFile(file)
	return data, warning, err
}

func trimNewline(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r")
}
