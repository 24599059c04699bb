package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileMode is a file's permission bits, written as chmod takes them: the
// scalar's digits are octal whatever its YAML or JSON type, so 0640,
// "0640", 640 and 0o640 all mean rw-r-----. Only permission bits (at most
// 0777) are accepted. Set tells an absent key from a given one.
type FileMode struct {
	Mode fs.FileMode
	Set  bool
}

// ParseFileMode reads s as octal permission bits, "0o" prefix allowed.
func ParseFileMode(s string) (fs.FileMode, error) {
	v, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(s), "0o"), 8, 32)
	if err != nil || v > 0o777 {
		return 0, fmt.Errorf("%q is not an octal file mode such as 0644", s)
	}
	return fs.FileMode(v), nil
}

// UnmarshalConfig implements Unmarshaler.
func (m *FileMode) UnmarshalConfig(_ *Decoder, n *yaml.Node, _ string) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be an octal file mode such as 0644")
	}
	v, err := ParseFileMode(n.Value)
	if err != nil {
		return err
	}
	*m = FileMode{Mode: v, Set: true}
	return nil
}

// CheckOwnerRW refuses a mode that does not let the owner read and write:
// the daemons read back what they write (haproxy.cfg, the state file) and
// must be able to rewrite it.
func CheckOwnerRW(m fs.FileMode) error {
	if m&0o600 != 0o600 {
		return fmt.Errorf("%#o does not let the owner read and write (want at least 0600)", m)
	}
	return nil
}
