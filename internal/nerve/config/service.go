package config

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Service is one service to watch and register (docs/nerve.md, Service keys).
type Service struct {
	// Name is the services key, or <name>_<i> for a load_test_concurrency
	// copy. It names logs and metrics; it is not in the payload.
	Name string
	// InstanceID is the top-level instance_id, reported as the payload's name.
	InstanceID string
	Host       string
	// Port keeps its JSON type, number or string, as configured.
	Port registration.Port
	// ReporterType is the lower-cased reporter_type (default zookeeper) and
	// Reporter its config, decoded from the service's own mapping by the
	// type's reporter.Type.NewConfig.
	ReporterType  string
	Reporter      any
	CheckInterval time.Duration
	CheckMocked   bool
	Checks        []CheckSpec
	// Weight is nil when not configured.
	Weight *int
	// HAProxyServerOptions and Labels are absent when not configured, null
	// when configured without a value (both are then written as null).
	HAProxyServerOptions registration.Value
	Labels               registration.Value
	RateLimit            RateLimit
	// MaxRepeatedReportFailures is the global value; see Config.
	MaxRepeatedReportFailures int

	payload     []byte
	fingerprint string
}

// CheckSpec is one built check: its common settings (defaults applied from
// the service) and the check itself. A Check is stateless between rounds;
// the rise/fall filter belongs to the worker.
type CheckSpec struct {
	Common check.Common
	Check  check.Check
	// Module is the original's plugin library key, kept for messages only:
	// check types are compiled in.
	Module string
}

// DefaultCheckInterval is check_interval's default.
const DefaultCheckInterval = 500 * time.Millisecond

// Registration returns what the reporter registers for s.
func (s Service) Registration() registration.Registration {
	return registration.Registration{
		Host:                 s.Host,
		Port:                 s.Port,
		Name:                 s.InstanceID,
		Weight:               s.Weight,
		HAProxyServerOptions: s.HAProxyServerOptions,
		Labels:               s.Labels,
	}
}

// Payload returns the registration bytes, computed (and validated) when
// the config was loaded, so they cannot change during a worker's life.
func (s Service) Payload() []byte { return slices.Clone(s.payload) }

// ReporterService is the reporter's view of s.
func (s Service) ReporterService() reporter.Service {
	return reporter.Service{Name: s.Name, InstanceID: s.InstanceID, Payload: s.Payload(), CheckInterval: s.CheckInterval}
}

// Fingerprint identifies the service's configuration as the original's
// reload compares it: the service's mapping as
// configured (after service_conf_dir and overlay), plus instance_id, name
// and max_repeated_report_failures. Like the original's Hash comparison it
// ignores key order and tells 1 from 1.0. Equal fingerprints mean the
// running worker and its registration can stay.
func (s Service) Fingerprint() string { return s.fingerprint }

// Equal reports whether s and o have the same configuration (Fingerprint).
func (s Service) Equal(o Service) bool { return s.fingerprint == o.fingerprint }

func fingerprint(raw registration.Value, instanceID, name string, maxFailures int, secrets string) string {
	members := append(raw.Members(),
		registration.Member{Key: "instance_id", Value: registration.StringValue(instanceID)},
		registration.Member{Key: "name", Value: registration.StringValue(name)},
		registration.Member{Key: "max_repeated_report_failures", Value: registration.IntValue(int64(maxFailures))},
	)
	if secrets != "" {
		// Not a config key: "\x00" keeps it from colliding with one.
		members = append(members, registration.Member{Key: "\x00secrets", Value: registration.StringValue(secrets)})
	}
	sum := sha256.Sum256([]byte(canonical(registration.ObjectValue(members...)).String()))
	return hex.EncodeToString(sum[:8])
}

// secretsID is the reporter's SecretsID (zk_auth, zk_tls): the files it
// names are read at load, so a reload after one changed replaces the
// service even though its YAML is the same. "" for reporters without.
func secretsID(reporter any) string {
	if s, ok := reporter.(interface{ SecretsID() string }); ok {
		return s.SecretsID()
	}
	return ""
}

// canonical sorts object keys, recursively, so that key order does not
// change a fingerprint.
func canonical(v registration.Value) registration.Value {
	switch v.Kind() {
	case registration.KindObject:
		ms := v.Members()
		for i := range ms {
			ms[i].Value = canonical(ms[i].Value)
		}
		slices.SortFunc(ms, func(a, b registration.Member) int { return strings.Compare(a.Key, b.Key) })
		return registration.ObjectValue(ms...)
	case registration.KindArray:
		es := v.Elems()
		for i := range es {
			es[i] = canonical(es[i])
		}
		return registration.ArrayValue(es...)
	}
	return v
}
