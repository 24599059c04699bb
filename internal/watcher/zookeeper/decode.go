package zookeeper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// decoder turns znode contents into what a Snapshot carries. It remembers
// what it has complained about, so that a malformed child or generator
// config is logged once per change of its data rather than on every round.
// Not safe for concurrent use: each watcher's Run owns one.
type decoder struct {
	format  registration.Format
	cfgPath string
	log     *slog.Logger
	onBad   func() // counts a newly malformed child

	bad     map[string]uint64 // child name → hash of the data that failed
	cfgData []byte            // generator config data last parsed
	cfg     map[string]*yaml.Node

	// last is the previous backends result, in name order, and the
	// children map they were decoded from:
	// a child whose data did not change is not parsed again, since a
	// snapshot usually changes one child of many. It shares the slice
	// sent in the Snapshot, which receivers do not modify
	// (watcher.Snapshot), rather than holding a copy of every backend, and
	// the map the zk watcher keeps as its last state (zk.Snapshot), rather
	// than a slice of every child's data.
	last lastDecoded
	// released: the children maps come from a zk.ChildrenWatcher with
	// ReleaseData, holding data only for the children whose data changed
	// since the previous map (nil for the others). The decoder then keeps
	// the names it decoded instead of the map, so no child's bytes stay
	// alive once decoded.
	released bool
}

// lastDecoded holds no list of the names unless released: they are the
// sorted keys of children less skipped, computed again when needed rather
// than kept for every child of every service. A released decoder keeps the
// names (decoded) instead of a map that would hold the data.
type lastDecoded struct {
	children map[string][]byte
	skipped  map[string]bool // malformed children left out of backends; nil if none
	backends []registration.Backend
	// decoded names the child of each of backends when released (children
	// nil then).
	decoded []string
}

// names returns the child name of each of l.backends, in order.
func (l lastDecoded) names() []string {
	if l.children == nil {
		return l.decoded
	}
	names := make([]string, 0, len(l.backends))
	for _, n := range slices.Sorted(maps.Keys(l.children)) {
		if !l.skipped[n] {
			names = append(names, n)
		}
	}
	return names
}

func newDecoder(f registration.Format, cfgPath string, log *slog.Logger, onBad func()) *decoder {
	return &decoder{format: f, cfgPath: cfgPath, log: log, onBad: onBad, bad: map[string]uint64{}}
}

// skipData reports the children whose name carries the registration, so
// their data need not be read. A base64_ name that does not decode falls
// back to reading the data, as in the original.
func skipData(name string) bool {
	_, err := registration.ParseChildName(name)
	return err == nil
}

// backends decodes every child, in name order so the set is deterministic
// (ZooKeeper lists children in no particular order). Malformed children are
// skipped: one bad registration must not hide the others.
func (d *decoder) backends(children map[string][]byte) []registration.Backend {
	names := make([]string, 0, len(children)) // slices.Sorted would grow it
	for n := range children {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]registration.Backend, 0, len(names))
	next := lastDecoded{children: children}
	if d.released {
		next.children, next.decoded = nil, make([]string, 0, len(names))
	}
	lastNames := d.last.names()
	j := 0 // walks d.last, sorted by name too
	for _, n := range names {
		data := children[n]
		for j < len(lastNames) && lastNames[j] < n {
			j++
		}
		switch {
		case j < len(lastNames) && lastNames[j] == n && d.unchanged(n, data):
			out = append(out, d.last.backends[j])
			next.decoded = append(next.decoded, n)
		case d.released && data == nil && d.last.skipped[n]:
			next.skipped = setSkipped(next.skipped, n) // still malformed, logged already
		default:
			b, err := decodeChild(n, data, d.format)
			if err != nil {
				d.reportBad(n, data, err)
				next.skipped = setSkipped(next.skipped, n)
				continue
			}
			delete(d.bad, n)
			if len(b.Ignored) > 0 {
				// Parsed again only when its data changes: one line per version.
				d.log.Warn("using zookeeper child without a value it cannot use", "child", n, "ignored", strings.Join(b.Ignored, "; "))
			}
			out = append(out, b)
			next.decoded = append(next.decoded, n)
		}
	}
	if !d.released {
		next.decoded = nil
	}
	next.backends = out
	d.last = next
	for n := range d.bad {
		if _, ok := children[n]; !ok {
			delete(d.bad, n)
		}
	}
	return out
}

// unchanged reports whether a child decoded last time has the same data.
func (d *decoder) unchanged(name string, data []byte) bool {
	if d.released {
		return data == nil
	}
	return bytes.Equal(d.last.children[name], data)
}

func setSkipped(m map[string]bool, name string) map[string]bool {
	if m == nil {
		m = map[string]bool{}
	}
	m[name] = true
	return m
}

// decodeChild decodes a base64_ name without its data, and any other child
// from its data with the configured format.
func decodeChild(name string, data []byte, f registration.Format) (registration.Backend, error) {
	b, err := registration.ParseChildName(name)
	if err == nil {
		return b, nil
	}
	if data == nil && !errors.Is(err, registration.ErrNotEncoded) {
		return registration.Backend{}, err
	}
	return registration.ParseChild(name, data, f)
}

func (d *decoder) reportBad(name string, data []byte, err error) {
	h := fnv.New64a()
	h.Write(data)
	sum := h.Sum64()
	if prev, ok := d.bad[name]; ok && prev == sum {
		return
	}
	d.bad[name] = sum
	d.log.Warn("skipping malformed zookeeper child", "child", name, "err", err)
	if d.onBad != nil {
		d.onBad()
	}
}

// generatorConfig returns the generator config in data, nil for "no
// change": empty data (the original reads it as {}), or data that is not a
// JSON object of sections (logged once per distinct data).
func (d *decoder) generatorConfig(data []byte) map[string]*yaml.Node {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if d.cfgData != nil && bytes.Equal(data, d.cfgData) {
		return d.cfg
	}
	d.cfgData = bytes.Clone(data)
	cfg, err := parseGeneratorConfig(d.cfgPath, data)
	if err != nil {
		d.log.Warn("ignoring generator config from zookeeper; keeping the current one", "path", d.cfgPath, "err", err)
	}
	d.cfg = cfg
	return cfg
}

// parseGeneratorConfig reads generator config data as the original does,
// JSON only; YAML that config.Parse would accept is refused so that a node
// the original ignored is ignored here too.
func parseGeneratorConfig(path string, data []byte) (map[string]*yaml.Node, error) {
	if !json.Valid(data) {
		return nil, fmt.Errorf("generator config in %s is not valid JSON", path)
	}
	n, err := config.Parse("zookeeper:"+path, data)
	if err != nil {
		return nil, fmt.Errorf("generator config in %s: %w", path, err)
	}
	sections, err := watcher.GeneratorSections(n)
	if err != nil {
		return nil, fmt.Errorf("generator config in %s: %w", path, err)
	}
	return sections, nil
}
