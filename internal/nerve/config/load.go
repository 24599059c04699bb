package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// LoadOptions says where the config comes from. Empty fields fall back to
// the environment, as the original's flags default to its env vars.
type LoadOptions struct {
	// Path is the main config file (-c); "" means $NERVE_CONFIG.
	Path string
	// OverlayPath is the Yelp overlay file (-o); "" means
	// $NERVE_CONFIG_OVERLAY, and none if that is empty too.
	OverlayPath string
	// InstanceID overrides the file's instance_id (-i); "" means
	// $NERVE_INSTANCE_ID, and no override if that is empty too.
	InstanceID string
	// Env looks up environment variables; nil means os.LookupEnv.
	Env func(string) (string, bool)
}

func (o LoadOptions) withEnv() LoadOptions {
	env := o.Env
	if env == nil {
		env = os.LookupEnv
	}
	for _, f := range []struct {
		v   *string
		env string
	}{{&o.Path, "NERVE_CONFIG"}, {&o.OverlayPath, "NERVE_CONFIG_OVERLAY"}, {&o.InstanceID, "NERVE_INSTANCE_ID"}} {
		if *f.v == "" {
			*f.v, _ = env(f.env)
		}
	}
	return o
}

// ErrNoConfig is returned when neither -c nor NERVE_CONFIG names a file.
var ErrNoConfig = errors.New("no config file: pass -c FILE or set NERVE_CONFIG")

// Load reads, merges and validates nerve's config as the original's
// -k/--check-config does: every service's reporter and checks are built,
// nothing is started. Problems are returned all at once, each a
// *config.Error naming file, line, key path and value, joined with
// errors.Join; on error the Config is nil. Warnings (unknown keys, with the
// known key they resemble; an unreadable overlay) come back either way, for
// the caller to log.
func Load(opts LoadOptions) (*Config, []config.Warning, error) {
	opts = opts.withEnv()
	if opts.Path == "" {
		return nil, nil, ErrNoConfig
	}
	l := &loader{d: config.NewDecoder(opts.Path)}
	root, err := l.parse(opts.Path)
	if err != nil {
		return nil, nil, err
	}
	root = l.expandServiceConfDir(root)
	if opts.OverlayPath != "" {
		root = l.applyOverlay(root, opts.OverlayPath)
	}
	cfg := l.decode(root, opts)
	warnings := l.src.fixWarnings(append(l.warnings, l.d.Warnings()...))
	// The decoder's problems (wrong types) go first on a line, before what
	// the loader concludes from the decoded values.
	if err := l.src.fixErrors(append([]error{l.d.Err()}, l.errs...)); err != nil {
		return nil, warnings, err
	}
	return cfg, warnings, nil
}

// loader is one Load's state.
type loader struct {
	d        *config.Decoder
	src      sources
	errs     []error // problems found outside d, kept apart for their causes
	warnings []config.Warning

	instanceID  string
	maxFailures int
}

// fail records err at n, keeping err as the cause (errors.Is works on
// check.ErrUnknownType, for one). The file is mapped from n's line later.
func (l *loader) fail(n *yaml.Node, path string, err error) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, err := range j.Unwrap() {
			l.fail(n, path, err)
		}
		return
	}
	l.record(n, path, err.Error(), err)
}

func (l *loader) record(n *yaml.Node, path, msg string, cause error) {
	e := &config.Error{File: l.src.files[0], Path: path, Msg: msg, Err: cause}
	if n != nil {
		e.Line = n.Line
		if n.Kind == yaml.ScalarNode {
			e.Value = n.Value
		}
	}
	l.errs = append(l.errs, e)
}

func (l *loader) failf(n *yaml.Node, path, format string, args ...any) {
	l.fail(n, path, fmt.Errorf(format, args...))
}

func (l *loader) warn(n *yaml.Node, path, msg string) {
	w := config.Warning{File: l.src.files[0], Path: path, Msg: msg}
	if n != nil {
		w.Line = n.Line
	}
	l.warnings = append(l.warnings, w)
}

// parse reads one file (no ERB: the original nerve renders none) and
// returns its root node, an empty mapping for an empty file. The other
// files' problems are recorded as well as returned, so loading goes on.
func (l *loader) parse(file string) (*yaml.Node, error) {
	doc, err := readNode(file)
	if err != nil && len(l.src.files) == 0 {
		return nil, err
	}
	offset := l.src.add(file, doc)
	if err != nil {
		l.errs = append(l.errs, err)
		return nil, err
	}
	root := config.Resolve(doc)
	if root == nil {
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: offset + 1}
	}
	return root, nil
}

func readNode(file string) (*yaml.Node, error) {
	data, err := config.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return config.Parse(file, data)
}

// decode turns the merged tree into a Config.
func (l *loader) decode(root *yaml.Node, opts LoadOptions) *Config {
	top := defaultTop()
	l.d.Decode(root, "", &top)
	if opts.InstanceID != "" {
		top.InstanceID = opts.InstanceID
	}
	if v := lookup(root, "instance_id"); top.InstanceID == "" && (isNull(v) || config.Resolve(v).Kind == yaml.ScalarNode) {
		l.failf(v, "instance_id", "you need to specify required argument instance_id")
	}
	if top.MaxRepeatedReportFailures < 1 {
		l.failf(lookup(root, "max_repeated_report_failures"), "max_repeated_report_failures",
			"must be at least 1, got %d", top.MaxRepeatedReportFailures)
	}
	l.instanceID, l.maxFailures = top.InstanceID, top.MaxRepeatedReportFailures
	return &Config{
		InstanceID:                top.InstanceID,
		Services:                  l.services(&top.Services),
		HeartbeatPath:             top.HeartbeatPath,
		FileMode:                  l.fileMode(root, top.FileMode),
		MaxRepeatedReportFailures: top.MaxRepeatedReportFailures,
		Statsd:                    top.Statsd,
		Prometheus:                top.Prometheus,
		OverlayPath:               opts.OverlayPath,
	}
}

// fileMode checks file_mode: nerve rewrites its own files, so the owner
// must keep read and write.
func (l *loader) fileMode(root *yaml.Node, m config.FileMode) fs.FileMode {
	if !m.Set {
		return 0
	}
	if err := config.CheckOwnerRW(m.Mode); err != nil {
		n := lookup(root, "file_mode")
		l.failf(n, "file_mode", "%q: %v", config.Resolve(n).Value, err)
		return 0
	}
	return m.Mode
}

// services decodes each service in file order and expands
// load_test_concurrency.
func (l *loader) services(n *yaml.Node) map[string]Service {
	out := map[string]Service{}
	if n.Kind == 0 || isNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		l.failf(n, "services", "cannot use a %s as a mapping of services", kindName(n))
		return out
	}
	for _, p := range l.flattenReport(n, "services") {
		name, node := p.key.Value, p.value
		path := config.KeyPath("services", name)
		switch {
		case isNull(node):
			node = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.key.Line}
		case config.Resolve(node).Kind != yaml.MappingNode:
			l.failf(node, path, "cannot use a %s as a service, want a mapping", kindName(node))
			continue
		}
		s := l.decodeService(node, path)
		if s.copies < 0 {
			l.add(out, s, l.build(s, name, true))
			continue
		}
		l.build(s, name, true) // report problems even for 0 copies
		for i := range s.copies {
			l.add(out, s, l.build(s, name+"_"+strconv.Itoa(i), false))
		}
	}
	return out
}

func (l *loader) add(out map[string]Service, s *draft, svc Service) {
	if _, dup := out[svc.Name]; dup {
		l.fail(s.node, s.path, fmt.Errorf("%w: %q (as a service and as a load_test_concurrency copy)", errDuplicateService, svc.Name))
		return
	}
	out[svc.Name] = svc
}
