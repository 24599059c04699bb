package statefile

import (
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func live(name, host string, port int) registration.Backend {
	b := registration.Backend{Host: host, Port: registration.NumberPort(port)}
	if name != "" {
		b.Name = registration.StringValue(name)
	}
	return b
}

func TestStateFileDropsInvalidEntries(t *testing.T) {
	data := `{"svc": {
	  "ok_10.0.0.1:80": {"timestamp": 1, "name": "ok", "host": "10.0.0.1", "port": 80},
	  "evil": {"timestamp": 1, "host": "1.2.3.4\n server evil 6.6.6.6:80", "port": 80},
	  "opts": {"timestamp": 1, "host": "10.0.0.2", "port": 80, "haproxy_server_options": "bogus"},
	  "a b_10.0.0.3:80": {"timestamp": 1, "name": "a b", "host": "10.0.0.3", "port": 80}
	}}`
	s := New("x", time.Hour)
	if err := s.decode([]byte(data)); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range s.Cached("svc") {
		names = append(names, render.ServerName(b.Backend))
	}
	if len(names) != 2 || names[0] != "ok_10.0.0.1:80" || !strings.HasPrefix(names[1], "a_b_10.0.0.3:80-") {
		t.Errorf("cached = %q", names)
	}
	for _, n := range names {
		if strings.ContainsAny(n, " \n") {
			t.Errorf("cached name %q", n)
		}
	}
	if len(s.Dropped) != 2 || !strings.Contains(s.Dropped[0].Error()+s.Dropped[1].Error(), `"host"`) {
		t.Errorf("dropped = %v, want the bad host and the bad options", s.Dropped)
	}
}

// The state file is the original's JSON.pretty_generate layout.
func TestStateFileFormat(t *testing.T) {
	s := New("x", time.Hour)
	s.Observe([]generator.Service{{Name: "svc1", Backends: []registration.Backend{live("i-abc", "10.0.0.1", 3000)}}},
		render.ServerIDs{"svc1": {"i-abc_10.0.0.1:3000": 1}}, time.Unix(1604956000, 0), nil)
	want := `{
  "svc1": {
    "i-abc_10.0.0.1:3000": {
      "timestamp": 1604956000,
      "haproxy_server_id": 1,
      "name": "i-abc",
      "host": "10.0.0.1",
      "port": 3000,
      "id": null,
      "weight": null,
      "haproxy_server_options": null,
      "labels": null
    }
  }
}`
	if got := string(s.encode(true)); got != want {
		t.Errorf("state file:\n%s\nwant:\n%s", got, want)
	}
	back := New("x", time.Hour)
	if err := back.decode(s.encode(true)); err != nil || string(back.encode(true)) != want {
		t.Errorf("round trip: %v\n%s", err, back.encode(true))
	}
}
