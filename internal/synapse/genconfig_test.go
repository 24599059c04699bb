package synapse

import (
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

func TestGeneratorConfigUpdates(t *testing.T) {
	defaultHAProxy := haproxySection{Frontend: []string{}, Listen: []string{}}
	tests := []struct {
		name       string
		discovered string
		changed    bool
		errPart    string
		want       map[string]any
	}{
		{"missing listen is normalised, not a crash", `{"haproxy": {"port": 3000}}`, true, "",
			map[string]any{"haproxy": haproxySection{Port: 3000, Frontend: []string{}, Listen: []string{}}}},
		{"replaces the whole map (original)", `{"file_output": {"disabled": true}}`, true, "",
			map[string]any{"file_output": fileOutputSection{Disabled: true}}},
		{"same config after normalising is no change", `{"haproxy": {}, "file_output": {}}`, false, "",
			map[string]any{"haproxy": defaultHAProxy, "file_output": fileOutputSection{}}},
		{"invalid section rejects the update", `{"haproxy": {"port": "abc"}, "file_output": {"disabled": true}}`, false,
			"service foo: rejected discovered generator config, keeping the current one: haproxy:",
			map[string]any{"haproxy": defaultHAProxy, "file_output": fileOutputSection{}}},
		{"unknown generators are dropped", `{"nginx": {"x": 1}, "haproxy": {"port": 1}}`, true, "",
			map[string]any{"haproxy": haproxySection{Port: 1, Frontend: []string{}, Listen: []string{}}}},
		{"only unknown generators is no change", `{"nginx": {"x": 1}}`, false, "",
			map[string]any{"haproxy": defaultHAProxy, "file_output": fileOutputSection{}}},
		{"a newline inside a discovered line rejects the update",
			`{"haproxy": {"port": 1, "listen": ["mode http\n\thttp-request deny"]}}`, false,
			`haproxy.listen[0]: control character '\n' in "mode http\n\thttp-request deny"`,
			map[string]any{"haproxy": defaultHAProxy, "file_output": fileOutputSection{}}},
		{"a control character in any discovered value rejects the update",
			`{"haproxy": {"port": 1, "server_options": "check\r"}}`, false, `haproxy.server_options: control character '\r'`,
			map[string]any{"haproxy": defaultHAProxy, "file_output": fileOutputSection{}}},
		{"TABs inside a discovered line are kept", `{"haproxy": {"port": 1, "listen": ["mode\thttp"]}}`, true, "",
			map[string]any{"haproxy": haproxySection{Port: 1, Frontend: []string{}, Listen: []string{"mode\thttp"}}}},
		{"empty map is no change", `{}`, false, "",
			map[string]any{"haproxy": defaultHAProxy, "file_output": fileOutputSection{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newState(t, NewServiceConfig())
			changed, err := s.SetBackends(nil, sections(t, tc.discovered))
			if changed != tc.changed {
				t.Fatalf("changed = %v, want %v", changed, tc.changed)
			}
			if (err == nil) != (tc.errPart == "") || err != nil && !strings.Contains(err.Error(), tc.errPart) {
				t.Fatalf("err = %v, want %q", err, tc.errPart)
			}
			if got := s.GeneratorConfigs(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("configs = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRejectedConfigStillAppliesBackends(t *testing.T) {
	rec := &logRecorder{}
	s, err := NewServiceState("foo", NewServiceConfig(), StateOptions{
		Generators: sections(t, `{"haproxy": {"port": 1}}`), Normalize: normalize, Logger: slog.New(rec),
	})
	if err != nil {
		t.Fatal(err)
	}
	changed, err := s.SetBackends([]registration.Backend{s1}, sections(t, `{"haproxy": {"port": [1]}}`))
	if !changed || err == nil || s.Revision() != 1 {
		t.Fatalf("changed = %v, err = %v, revision %d", changed, err, s.Revision())
	}
	if got, _ := s.GeneratorConfig("haproxy"); got.(haproxySection).Port != 1 {
		t.Fatalf("config = %+v", got)
	}
	if _, ok := s.GeneratorConfig("file_output"); ok {
		t.Fatal("service enabled for a generator it was not given")
	}
	changed, _ = s.SetBackends([]registration.Backend{s1}, sections(t, `{"nginx": {}}`))
	if changed || rec.count("not configured") != 1 {
		t.Fatalf("changed = %v, warnings %v", changed, rec.msgs)
	}
}
