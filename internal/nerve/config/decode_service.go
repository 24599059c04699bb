package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// serviceKeys are a service's own keys; the reporter's share the mapping.
type serviceKeys struct {
	Host                 string           `yaml:"host"`
	Port                 portValue        `yaml:"port"`
	ReporterType         string           `yaml:"reporter_type"`
	CheckInterval        config.Duration  `yaml:"check_interval"`
	CheckMocked          bool             `yaml:"check_mocked"`
	Checks               yaml.Node        `yaml:"checks"`
	Weight               weightValue      `yaml:"weight"`
	HAProxyServerOptions config.JSONValue `yaml:"haproxy_server_options"`
	Labels               config.JSONValue `yaml:"labels"`
	RateLimiting         RateLimit        `yaml:"rate_limiting"`
	LoadTestConcurrency  int              `yaml:"load_test_concurrency"`

	// Known and ignored: the original overwrites instance_id and name with
	// the top-level instance_id and the services key, and only reads the
	// global max_repeated_report_failures. Yelp's nerve-tools writes
	// zk_cluster_name into every service; nerve never read it.
	InstanceID                yaml.Node `yaml:"instance_id"`
	Name                      yaml.Node `yaml:"name"`
	MaxRepeatedReportFailures yaml.Node `yaml:"max_repeated_report_failures"`
	ZKClusterName             yaml.Node `yaml:"zk_cluster_name"`
}

// maxLoadTestConcurrency stops a typo from starting millions of workers.
const maxLoadTestConcurrency = 10000

// draft is a service decoded once under its configured name, before the
// load_test_concurrency copies are built from it.
type draft struct {
	path         string
	node         *yaml.Node
	keys         serviceKeys
	reporterType string
	reporter     any
	checks       []*yaml.Node
	copies       int // -1: no load_test_concurrency
	raw          registration.Value
	payloadOK    bool // host and port are usable, so a payload can be built
}

func (l *loader) decodeService(n *yaml.Node, path string) *draft {
	s := &draft{path: path, node: n, copies: -1}
	s.keys = serviceKeys{CheckInterval: config.Duration(DefaultCheckInterval), RateLimiting: DefaultRateLimit}
	s.reporterType, s.reporter = l.reporterConfig(n, path)
	// With no reporter type, the reporter's keys must not be called unknown.
	other := quiet()
	if s.reporter != nil {
		other = s.reporter
	}
	before := l.d.ErrorCount()
	l.d.Decode(n, path, &s.keys, other)
	refused := l.d.ErrorPathsSince(before)
	s.payloadOK = l.checkRequired(s)
	l.checkPayloadKeys(s)
	l.checkLoadTest(s)
	if v, ok := s.reporter.(interface{ Validate() error }); ok {
		for _, err := range config.Unjoin(v.Validate()) {
			l.reporterError(s, err, refused)
		}
	}
	s.checks = l.checkNodes(s)
	s.raw = toValue(n)
	return s
}

// reporterConfig picks the reporter type (zookeeper by default) and returns
// its config with defaults, nil when the type is unknown.
func (l *loader) reporterConfig(n *yaml.Node, path string) (string, any) {
	name, at := "zookeeper", n
	if v := lookup(n, "reporter_type"); !isNull(v) {
		if config.Resolve(v).Kind != yaml.ScalarNode {
			return "", nil // the decoder reports the type error
		}
		name, at, path = strings.ToLower(config.Resolve(v).Value), v, config.KeyPath(path, "reporter_type")
	}
	t, ok := reporter.Lookup(name)
	if !ok {
		l.failf(at, path, "specified a reporter_type of %q, which could not be found; known: %s",
			name, strings.Join(reporter.Names(), ", "))
		return name, nil
	}
	return name, t.NewConfig()
}

// keyPrefix matches reporter messages that start with their key,
// "zk_path: ..." or "zk_hosts[1]: ...".
var keyPrefix = regexp.MustCompile(`^([a-z_]+)(\[\d+\])?: `)

// reporterError records a reporter's Validate error, at the key it names
// when the service has that key, so the line points at the value; not for
// a key the decoder refused already (a zk_hosts string is not also
// "missing").
func (l *loader) reporterError(s *draft, err error, refused []string) {
	m := keyPrefix.FindStringSubmatch(err.Error())
	if m != nil && config.Covered(config.KeyPath(s.path, m[1])+m[2], refused) {
		return
	}
	if m == nil || lookup(s.node, m[1]) == nil {
		l.fail(s.node, s.path, err)
		return
	}
	at := lookup(s.node, m[1])
	if v := config.Resolve(at); m[2] != "" && v != nil && v.Kind == yaml.SequenceNode {
		if i, _ := strconv.Atoi(m[2][1 : len(m[2])-1]); i < len(v.Content) {
			at = v.Content[i]
		}
	}
	l.record(at, config.KeyPath(s.path, m[1])+m[2], err.Error()[len(m[0]):], err)
}

// checkRequired reports a missing host or port, as the original's
// "missing required argument"; it tells whether both are usable.
func (l *loader) checkRequired(s *draft) bool {
	ok := true
	for _, key := range []string{"host", "port"} {
		if v := lookup(s.node, key); isNull(v) {
			l.failf(s.node, s.path, "missing required argument %s", key)
			ok = false
		}
	}
	if v := config.Resolve(lookup(s.node, "host")); v != nil && v.Kind == yaml.ScalarNode && !isNull(v) && s.keys.Host == "" {
		l.failf(v, config.KeyPath(s.path, "host"), "must not be empty")
	}
	return ok && s.keys.Host != "" && !s.keys.Port.IsZero()
}

// checkPayloadKeys applies the original's has_key? rule to the optional
// payload keys (a key with no value is still written, as null; a weight with
// no value is an error) and the kinds pkg/registration accepts.
func (l *loader) checkPayloadKeys(s *draft) {
	if v := lookup(s.node, "weight"); v != nil && isNull(v) {
		l.fail(v, config.KeyPath(s.path, "weight"), weightError(v))
	}
	for _, k := range []struct {
		key  string
		val  *registration.Value
		want registration.Kind
	}{
		{"haproxy_server_options", &s.keys.HAProxyServerOptions.Value, registration.KindString},
		{"labels", &s.keys.Labels.Value, registration.KindObject},
	} {
		v := lookup(s.node, k.key)
		switch {
		case v != nil && isNull(v):
			*k.val = registration.NullValue()
		case k.val.Present() && k.val.Kind() != k.want:
			l.failf(v, config.KeyPath(s.path, k.key), "must be %s, got %s", kindWord(k.want), kindWord(k.val.Kind()))
			*k.val = registration.Value{}
		}
	}
}

// kindWord names a JSON kind in the config's terms.
func kindWord(k registration.Kind) string {
	switch k {
	case registration.KindObject:
		return "a mapping"
	case registration.KindArray:
		return "a list"
	case registration.KindBool:
		return "a boolean"
	}
	return "a " + k.String()
}

func (l *loader) checkLoadTest(s *draft) {
	v := lookup(s.node, "load_test_concurrency")
	if v == nil {
		return
	}
	path := config.KeyPath(s.path, "load_test_concurrency")
	switch n := s.keys.LoadTestConcurrency; {
	case isNull(v):
		l.failf(v, path, "must be a number of copies, got null")
	case n < 0 || n > maxLoadTestConcurrency:
		l.failf(v, path, "must be a number of copies from 0 to %d, got %d", maxLoadTestConcurrency, n)
	default:
		s.copies = n
	}
}

// checkNodes returns the check mappings as written, aliases included.
func (l *loader) checkNodes(s *draft) []*yaml.Node {
	c := &s.keys.Checks
	switch c.Kind {
	case 0:
		return nil // absent or null: no checks, always up
	case yaml.SequenceNode:
		return c.Content
	}
	l.failf(lookup(s.node, "checks"), config.KeyPath(s.path, "checks"), "cannot use a %s as a list of checks", kindName(c))
	return nil
}

// build makes the Service called name from s. report is false for the
// load_test_concurrency copies, whose problems the first build reported.
func (l *loader) build(s *draft, name string, report bool) Service {
	k := &s.keys
	svc := Service{
		Name: name, InstanceID: l.instanceID, Host: k.Host, Port: k.Port.Port,
		ReporterType: s.reporterType, Reporter: s.reporter,
		CheckInterval: time.Duration(k.CheckInterval), CheckMocked: k.CheckMocked,
		Weight: k.Weight.n, HAProxyServerOptions: k.HAProxyServerOptions.Value, Labels: k.Labels.Value,
		RateLimit: k.RateLimiting, MaxRepeatedReportFailures: l.maxFailures,
	}
	svc.Checks = l.buildChecks(s, svc, report)
	svc.fingerprint = fingerprint(s.raw, l.instanceID, name, l.maxFailures, secretsID(s.reporter))
	if !s.payloadOK {
		return svc
	}
	r := svc.Registration()
	if r.Name == "" {
		r.Name = "-" // instance_id is reported missing already; still check the rest
	}
	p, err := registration.Marshal(r)
	if err != nil && report {
		l.fail(s.node, s.path, fmt.Errorf("cannot build the registration payload: %w", err))
	}
	svc.payload = p
	return svc
}

// quiet returns a decoding target that takes every key of a mapping, for
// the second target of Decoder.Decode: it silences unknown-key warnings.
// It must not be a struct (a yaml.Node is one, and would take keys such as
// "value" and "tag" as its fields).
func quiet() any { return new(*yaml.Node) }

var errDuplicateService = errors.New("service name is used twice")
