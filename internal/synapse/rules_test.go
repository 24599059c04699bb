package synapse

import (
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

func withPort(b registration.Backend, p registration.Port) registration.Backend {
	b.Port = p
	return b
}

func unnamed(b registration.Backend) registration.Backend {
	b.Name = registration.Value{}
	return b
}

// TestSetBackendsRules covers each step of the original's set_backends.
func TestSetBackendsRules(t *testing.T) {
	num, str := registration.NumberPort(8081), registration.StringPort("8081")
	tests := []struct {
		name    string
		cfg     ServiceConfig
		first   []registration.Backend // applied before in, when set
		in      []registration.Backend
		want    []registration.Backend
		changed bool
	}{
		{"port override keeps number type", ServiceConfig{BackendPortOverride: &PortOverride{num}},
			nil, []registration.Backend{s1, withPort(s2, registration.StringPort("1"))},
			[]registration.Backend{withPort(s1, num), withPort(s2, num)}, true},
		{"port override keeps string type", ServiceConfig{BackendPortOverride: &PortOverride{str}},
			nil, []registration.Backend{s1}, []registration.Backend{withPort(s1, str)}, true},
		{"port override applies to kept default servers", ServiceConfig{DefaultServers: defaultServers(d1),
			KeepDefaultServers: true, BackendPortOverride: &PortOverride{num}},
			nil, []registration.Backend{s1}, []registration.Backend{withPort(s1, num), withPort(d1, num)}, true},
		{"port override skips the fallback default servers (quirk)", ServiceConfig{DefaultServers: defaultServers(d1),
			BackendPortOverride: &PortOverride{num}},
			[]registration.Backend{s1}, nil, []registration.Backend{d1}, true},
		{"port override makes duplicates", ServiceConfig{BackendPortOverride: &PortOverride{num}},
			nil, []registration.Backend{s1, withPort(s1, registration.NumberPort(2))}, []registration.Backend{withPort(s1, num)}, true},
		{"dedupe keeps the first", ServiceConfig{},
			nil, []registration.Backend{withLabels(s1, "az", "a"), withLabels(s1, "az", "b")},
			[]registration.Backend{withLabels(s1, "az", "a")}, true},
		{"dedupe: port type matters", ServiceConfig{},
			nil, []registration.Backend{s1, withPort(s1, registration.StringPort("123"))},
			[]registration.Backend{s1, withPort(s1, registration.StringPort("123"))}, true},
		{"dedupe: missing name is the empty name", ServiceConfig{},
			nil, []registration.Backend{unnamed(s1), func() registration.Backend { b := s1; b.Name = registration.StringValue(""); return b }()},
			[]registration.Backend{unnamed(s1)}, true},
		{"dedupe: names differ", ServiceConfig{},
			nil, []registration.Backend{s1, func() registration.Backend { b := s1; b.Name = registration.StringValue("x"); return b }()},
			[]registration.Backend{s1, func() registration.Backend { b := s1; b.Name = registration.StringValue("x"); return b }()}, true},
		{"set equality ignores order", NewServiceConfig(),
			[]registration.Backend{s1, s2}, []registration.Backend{s2, s1}, []registration.Backend{s1, s2}, false},
		{"set equality ignores label key order", NewServiceConfig(),
			[]registration.Backend{withLabels(s1, "a", "1", "b", "2")}, []registration.Backend{withLabels(s1, "b", "2", "a", "1")},
			[]registration.Backend{withLabels(s1, "a", "1", "b", "2")}, false},
		{"set equality sees a weight change", NewServiceConfig(),
			[]registration.Backend{s1}, []registration.Backend{func() registration.Backend { b := s1; b.Weight = registration.IntValue(5); return b }()},
			[]registration.Backend{func() registration.Backend { b := s1; b.Weight = registration.IntValue(5); return b }()}, true},
		{"set equality sees an id change", NewServiceConfig(),
			[]registration.Backend{withID(s1, 1)}, []registration.Backend{withID(s1, 2)}, []registration.Backend{withID(s1, 2)}, true},
		{"empty with defaults counts as a change even when already default (original)",
			ServiceConfig{DefaultServers: defaultServers(d1)}, nil, nil, []registration.Backend{d1}, true},
		{"empty to empty is no change", ServiceConfig{}, nil, nil, nil, false},
		{"empty keeps previous", NewServiceConfig(), []registration.Backend{s1}, nil, []registration.Backend{s1}, false},
		{"empty drops all without use_previous_backends", ServiceConfig{}, []registration.Backend{s1}, nil, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newState(t, tc.cfg)
			if tc.first != nil {
				if _, err := s.SetBackends(tc.first, nil); err != nil {
					t.Fatal(err)
				}
			}
			in := append([]registration.Backend(nil), tc.in...)
			changed, err := s.SetBackends(in, nil)
			if err != nil || changed != tc.changed {
				t.Fatalf("SetBackends = %v, %v; want %v", changed, err, tc.changed)
			}
			if got := s.Backends(); !sameList(got, tc.want) {
				t.Fatalf("backends = %s, want %s", names(got), names(tc.want))
			}
			if !sameList(in, tc.in) {
				t.Fatal("SetBackends modified the caller's slice")
			}
		})
	}
}
