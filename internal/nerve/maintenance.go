package nerve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
)

// spool is nerve's maintenance switch, after Yelp hacheck's spool directory
// (docs/nerve.md, Maintenance): a file named after a service (or "all") in the
// directory takes that service out of rotation; its content is the reason.
// Files survive a nerve restart, can be managed with touch/rm or through
// the admin socket, and are read every round, so no state lives only in
// memory.
type spool struct {
	dir string
	// mode returns the configured file_mode (0 when unset); it is read at
	// each write because a reload may change it.
	mode func() fs.FileMode
}

const spoolAll = "all"

// down reports whether service is in maintenance, and why.
func (s spool) down(service string) (bool, string) {
	if s.dir == "" {
		return false, ""
	}
	for _, name := range []string{spoolAll, service} {
		b, err := os.ReadFile(filepath.Join(s.dir, name))
		if err == nil {
			return true, strings.TrimSpace(string(b))
		}
	}
	return false, ""
}

func (s spool) path(service string) (string, error) {
	if s.dir == "" {
		return "", errNoSpool
	}
	if service == "" || strings.ContainsAny(service, `/\`) || service == "." || service == ".." {
		return "", fmt.Errorf("invalid service name %q", service)
	}
	return filepath.Join(s.dir, service), nil
}

func (s spool) set(service, reason string) error {
	p, err := s.path(service)
	if err != nil {
		return err
	}
	var mode fs.FileMode
	if s.mode != nil {
		mode = s.mode()
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("maintenance %s: %w", service, err)
	}
	if err := atomicfile.Write(p, []byte(reason+"\n"), fileOptions(mode)); err != nil {
		return fmt.Errorf("maintenance %s: %w", service, err)
	}
	return nil
}

func (s spool) clear(service string) error {
	p, err := s.path(service)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("maintenance %s: %w", service, err)
	}
	return nil
}
