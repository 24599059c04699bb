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

// TLS is the zk_tls section: connect to ZooKeeper's secure client port,
// verifying its certificate against ca_file (empty: the system roots) and
// server_name (empty: the host of each zk_hosts/hosts entry), presenting
// cert_file and key_file when both are set.
type TLS struct {
	CAFile     string `yaml:"ca_file"`
	CertFile   string `yaml:"cert_file"`
	KeyFile    string `yaml:"key_file"`
	ServerName string `yaml:"server_name"`

	tls      *zk.TLS
	warnings []string
	loadErr  error
	loaded   bool
	decoded  bool // UnmarshalConfig reported loadErr already
}

// UnmarshalConfig decodes the section and reads the files at once.
func (t *TLS) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	type plain TLS
	d.Decode(n, path, (*plain)(t))
	t.loaded, t.decoded = false, true
	err := t.ensure()
	for _, w := range t.warnings {
		d.Warnf(n, config.KeyPath(path, "key_file"), "%s", w)
	}
	decodeErr(d, n, path, err)
	return nil
}

func (t *TLS) ensure() error {
	if !t.loaded {
		t.tls, t.warnings, t.loadErr = t.load()
		t.loaded = true
	}
	return t.loadErr
}

func (t *TLS) load() (*zk.TLS, []string, error) {
	var errs, warnings []string
	read := func(key, file string, secret bool) []byte {
		if file == "" {
			return nil
		}
		var (
			b   []byte
			w   string
			err error
		)
		if secret {
			b, w, err = readSecret(file)
		} else {
			b, err = os.ReadFile(file)
		}
		if w != "" {
			warnings = append(warnings, w)
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %q: %v", key, file, err))
		}
		return b
	}
	ca := read("ca_file", t.CAFile, false)
	cert := read("cert_file", t.CertFile, false)
	key := read("key_file", t.KeyFile, true)
	switch {
	case t.CertFile != "" && t.KeyFile == "":
		errs = append(errs, fmt.Sprintf("key_file: missing; cert_file %q needs its key", t.CertFile))
	case t.KeyFile != "" && t.CertFile == "":
		errs = append(errs, fmt.Sprintf("cert_file: missing; key_file %q needs its certificate", t.KeyFile))
	}
	if len(errs) > 0 {
		return nil, warnings, joinStrings(errs)
	}
	z, err := zk.NewTLS(ca, cert, key, t.ServerName)
	if err != nil {
		return nil, warnings, t.keyed(err)
	}
	return z, warnings, nil
}

// keyed puts zk.NewTLS's error under the key whose file it is about.
func (t *TLS) keyed(err error) error {
	if t.CAFile != "" && strings.HasPrefix(err.Error(), "ca:") {
		return fmt.Errorf("ca_file: %q: %w", t.CAFile, err)
	}
	return fmt.Errorf("cert_file: %q with key_file %q: %w", t.CertFile, t.KeyFile, err)
}

func joinStrings(msgs []string) error {
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		errs[i] = errors.New(m)
	}
	return errors.Join(errs...)
}
