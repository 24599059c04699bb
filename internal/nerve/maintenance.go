package nerve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
)

// spool is nerve's maintenance switch, after Yelp hacheck's spool
// directory: a file named after a service (or "all") in the directory
// takes that service out of rotation. Files survive a nerve restart, can
// be managed with touch/rm or through the admin socket, and are read every
// round (which names exist is cached, spoollist.go), so no state lives
// only in memory. The file format is
// spoolEntry's, below; docs/nerve.md "Maintenance" describes it.
type spool struct {
	dir string
	// mode returns the configured file_mode (0 when unset); it is read at
	// each write because a reload may change it.
	mode func() fs.FileMode
	now  func() time.Time
	log  *slog.Logger
}

const spoolAll = "all"

// maintenance is one spool entry as read.
type maintenance struct {
	// Source is the file that put the service down: its name or "all".
	Source  string
	Reason  string
	Expires time.Time // zero: until `maint up`
}

// lookup reports whether service is in maintenance, and why. An entry
// past its expiry is removed (as hacheck does when it reads one), logged,
// and does not count.
func (s spool) lookup(service string) (maintenance, bool) {
	if s.dir == "" || !s.listing().mayHold(s.dir, spoolAll, service) {
		return maintenance{}, false
	}
	for _, name := range []string{spoolAll, service} {
		p := filepath.Join(s.dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		e := parseSpoolFile(b)
		if !e.Expires.IsZero() && !s.clock().Before(e.Expires) {
			s.expire(p, name, b, e)
			continue
		}
		return maintenance{Source: name, Reason: e.Reason, Expires: e.Expires}, true
	}
	return maintenance{}, false
}

// expire removes an expired entry unless it was rewritten since it was
// read (a new `maint down` must not be lost to the old one's expiry). The
// caller that removes it logs; the others find it gone.
func (s spool) expire(path, name string, read []byte, e spoolEntry) {
	if cur, err := os.ReadFile(path); err != nil || !bytes.Equal(cur, read) {
		return
	}
	if err := os.Remove(path); err != nil {
		if !errors.Is(err, os.ErrNotExist) && s.log != nil {
			s.log.Warn("removing an expired maintenance file", "path", path, "err", err)
		}
		return
	}
	if s.log != nil {
		s.log.Info("maintenance expired; back to its checks", "service", name, "reason", e.Reason, "expired", fmtTime(e.Expires))
	}
}

func (s spool) clock() time.Time {
	if s.now == nil {
		return time.Now()
	}
	return s.now()
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

// set writes service's entry; a zero expires keeps it until clear.
func (s spool) set(service, reason string, expires time.Time) error {
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
	b, err := formatSpoolFile(spoolEntry{Reason: reason, Expires: expires, Created: s.clock()})
	if err != nil {
		return fmt.Errorf("maintenance %s: %w", service, err)
	}
	defer s.listing().invalidate()
	if err := atomicfile.Write(p, b, fileOptions(mode)); err != nil {
		return fmt.Errorf("maintenance %s: %w", service, err)
	}
	return nil
}

func (s spool) clear(service string) error {
	p, err := s.path(service)
	if err != nil {
		return err
	}
	defer s.listing().invalidate()
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("maintenance %s: %w", service, err)
	}
	return nil
}

// spoolEntry is a spool file's content.
type spoolEntry struct {
	Reason  string
	Expires time.Time // zero: none
	Created time.Time // zero: unknown
}

// hacheckEntry is Yelp hacheck's JSON spool file: times are Unix seconds,
// expiration null when there is none.
type hacheckEntry struct {
	Reason     *string  `json:"reason"`
	Expiration *float64 `json:"expiration"`
	Creation   *float64 `json:"creation,omitempty"`
}

// parseSpoolFile reads either format: hacheck's JSON object with a
// "reason" string, or anything else as a plain reason (touch, echo, older
// nerve and hacheck versions). A JSON document that is not such an object
// is a plain reason too, so an odd reason can never make a file unreadable.
func parseSpoolFile(b []byte) spoolEntry {
	plain := spoolEntry{Reason: strings.TrimSpace(string(b))}
	var h hacheckEntry
	if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) || json.Unmarshal(b, &h) != nil || h.Reason == nil {
		return plain
	}
	e := spoolEntry{Reason: strings.TrimSpace(*h.Reason)}
	if h.Expiration != nil && !math.IsNaN(*h.Expiration) && !math.IsInf(*h.Expiration, 0) {
		e.Expires = unixTime(*h.Expiration)
	}
	if h.Creation != nil && !math.IsNaN(*h.Creation) && !math.IsInf(*h.Creation, 0) {
		e.Created = unixTime(*h.Creation)
	}
	return e
}

// formatSpoolFile writes the plain reason when there is no expiry, which
// every older reader understands, and hacheck's JSON when there is one.
func formatSpoolFile(e spoolEntry) ([]byte, error) {
	if e.Expires.IsZero() {
		return []byte(e.Reason + "\n"), nil
	}
	exp, created := unixSeconds(e.Expires), unixSeconds(e.Created)
	h := hacheckEntry{Reason: &e.Reason, Expiration: &exp}
	if !e.Created.IsZero() {
		h.Creation = &created
	}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func unixTime(s float64) time.Time {
	const maxSec = 1 << 40 // far beyond any real expiry; keeps the conversion exact
	s = max(min(s, maxSec), -maxSec)
	return time.UnixMilli(int64(math.Round(s * 1000))).UTC()
}
