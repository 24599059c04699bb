package synapse

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

var (
	d1, d2 = be("default_server1", 123), be("default_server2", 123)
	s1, s2 = be("server1", 123), be("server2", 123)
)

// haproxyZK is the generator config of the original's base watcher test.
const haproxyZK = `{"haproxy": {"frontend": ["binding ::1:1111"],
	"listen": ["mode http", "option httpchk GET /health", "timeout  client  300s", "timeout  server  300s", "option httplog"],
	"port": 1111, "server_options": "check inter 60s fastinter 2s downinter 5s rise 3 fall 2"}}`

var haproxyZKNormalised = haproxySection{
	Port: 1111, ServerOptions: "check inter 60s fastinter 2s downinter 5s rise 3 fall 2",
	Frontend: []string{"binding ::1:1111"},
	Listen:   []string{"mode http", "option httpchk GET /health", "timeout  client  300s", "timeout  server  300s", "option httplog"},
}

// call is one set_backends call and what it must return.
type call struct {
	backends []registration.Backend
	genCfg   string // generator config source; "" for none
	want     bool
}

// TestBaseWatcherAcceptance translates the original's base watcher tests.
func TestBaseWatcherAcceptance(t *testing.T) {
	withDefaults := ServiceConfig{DefaultServers: defaultServers(d1, d2), UsePreviousBackends: true}
	noDefaults := NewServiceConfig()
	tests := []struct {
		name         string
		cfg          ServiceConfig
		calls        []call
		wantBackends []registration.Backend
		wantRevision uint64
		wantHAProxy  any // nil: the defaults
	}{
		{"sets backends", withDefaults, []call{{[]registration.Backend{s1, s2}, "", true}},
			[]registration.Backend{s1, s2}, 1, nil},
		{"sets backends with generator config", withDefaults,
			[]call{{[]registration.Backend{s1, s2}, haproxyZK, true}},
			[]registration.Backend{s1, s2}, 1, haproxyZKNormalised},
		{"same backends, new generator config", withDefaults, []call{
			{[]registration.Backend{s1, s2}, "", true},
			{[]registration.Backend{s2, s1}, haproxyZK, true},
		}, []registration.Backend{s1, s2}, 2, haproxyZKNormalised},
		{"removes duplicates", withDefaults, []call{{[]registration.Backend{s1, s2, s1, s2}, "", true}},
			[]registration.Backend{s1, s2}, 1, nil},
		{"empty discovery uses default servers", withDefaults, []call{{nil, "", true}},
			[]registration.Backend{d1, d2}, 1, nil},
		{"empty generator config keeps the current one", withDefaults, []call{
			{[]registration.Backend{s1, s2}, haproxyZK, true},
			{[]registration.Backend{s1, s2}, "{}", false},
		}, []registration.Backend{s1, s2}, 1, haproxyZKNormalised},
		{"no default servers: previous backends kept", noDefaults, []call{
			{[]registration.Backend{s1, s2}, "", true},
			{nil, "", false},
		}, []registration.Backend{s1, s2}, 1, nil},
		{"use_previous_backends false empties", ServiceConfig{}, []call{
			{[]registration.Backend{s1, s2}, "", true},
			{[]registration.Backend{}, "", true},
		}, nil, 2, nil},
		{"same backends and config twice", withDefaults, []call{
			{[]registration.Backend{s1, s2}, haproxyZK, true},
			{[]registration.Backend{s1, s2}, haproxyZK, false},
		}, []registration.Backend{s1, s2}, 1, haproxyZKNormalised},
		{"keep_default_servers appends them", ServiceConfig{DefaultServers: defaultServers(d1, d2), KeepDefaultServers: true},
			[]call{{[]registration.Backend{s1, s2}, "", true}},
			[]registration.Backend{s1, s2, d1, d2}, 1, nil},
		{"nil generator config", withDefaults, []call{{[]registration.Backend{s1, s2}, "null", true}},
			[]registration.Backend{s1, s2}, 1, nil},
		{"each change adds exactly one revision", noDefaults, []call{
			{[]registration.Backend{s1}, "", true},
			{[]registration.Backend{s1, s2}, haproxyZK, true},
			{[]registration.Backend{s2}, "", true},
		}, []registration.Backend{s2}, 3, haproxyZKNormalised},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newState(t, tc.cfg)
			for i, c := range tc.calls {
				before := s.Revision()
				var genCfg map[string]*yaml.Node
				if c.genCfg != "" {
					genCfg = sections(t, c.genCfg)
				}
				got, err := s.SetBackends(c.backends, genCfg)
				if err != nil || got != c.want {
					t.Fatalf("call %d: SetBackends = %v, %v; want %v", i, got, err, c.want)
				}
				if delta := s.Revision() - before; (delta == 1) != c.want || delta > 1 {
					t.Fatalf("call %d: revision moved by %d", i, delta)
				}
			}
			if got := s.Backends(); !sameList(got, tc.wantBackends) {
				t.Fatalf("backends = %s, want %s", names(got), names(tc.wantBackends))
			}
			if s.Revision() != tc.wantRevision {
				t.Fatalf("revision = %d, want %d", s.Revision(), tc.wantRevision)
			}
			want := tc.wantHAProxy
			if want == nil {
				want = haproxySection{Frontend: []string{}, Listen: []string{}}
			}
			if got, _ := s.GeneratorConfig("haproxy"); !reflect.DeepEqual(got, want) {
				t.Fatalf("haproxy config = %+v, want %+v", got, want)
			}
		})
	}
}

// TestNewServiceState covers the required name and the initial state.
func TestNewServiceState(t *testing.T) {
	t.Run("missing name", func(t *testing.T) {
		_, err := NewServiceState("", NewServiceConfig(), StateOptions{})
		if err == nil || err.Error() != "missing required option name" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("initial state is the default servers, not overridden", func(t *testing.T) {
		s := newState(t, ServiceConfig{DefaultServers: defaultServers(d1, d2), BackendPortOverride: &PortOverride{registration.NumberPort(9)}})
		if !sameList(s.Backends(), []registration.Backend{d1, d2}) || s.Revision() != 0 {
			t.Fatalf("backends = %s, revision %d", names(s.Backends()), s.Revision())
		}
	})
	t.Run("invalid config", func(t *testing.T) {
		_, err := NewServiceState("foo", ServiceConfig{BackendPortOverride: &PortOverride{registration.StringPort("abc")}}, StateOptions{})
		if err == nil || !strings.Contains(err.Error(), `service foo: backend_port_override: invalid backend_port_override value "abc"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("invalid local generator section", func(t *testing.T) {
		_, err := NewServiceState("foo", NewServiceConfig(), StateOptions{
			Generators: sections(t, `{"haproxy": {"port": "abc"}}`), Normalize: normalize,
		})
		if err == nil || !strings.Contains(err.Error(), "service foo: haproxy: ") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no normaliser keeps raw nodes", func(t *testing.T) {
		s, err := NewServiceState("foo", NewServiceConfig(), StateOptions{Generators: sections(t, `{"haproxy": {"port": 1}}`)})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := s.GeneratorConfig("haproxy"); !ok || v.(*yaml.Node).Kind != yaml.MappingNode {
			t.Fatalf("config = %v", v)
		}
	})
}

func TestApply(t *testing.T) {
	s := newState(t, NewServiceConfig())
	if ok, err := s.Apply(watcher.Snapshot{Service: "foo", Backends: []registration.Backend{s1}}); !ok || err != nil {
		t.Fatalf("Apply = %v, %v", ok, err)
	}
	boom := errors.New("zk down")
	ok, err := s.Apply(watcher.Snapshot{Service: "foo", Err: boom})
	if ok || !errors.Is(err, boom) {
		t.Fatalf("Apply(err) = %v, %v", ok, err)
	}
	if !sameList(s.Backends(), []registration.Backend{s1}) || s.Revision() != 1 {
		t.Fatalf("stale snapshot changed the state: %s", names(s.Backends()))
	}
	if _, err := s.Apply(watcher.Snapshot{Service: "bar"}); err == nil {
		t.Fatal("snapshot of another service accepted")
	}
}
