package synapse

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

func TestAdmitSkipsInvalidOncePerChange(t *testing.T) {
	var logs bytes.Buffer
	counts := map[string]int{}
	s, err := NewServiceState("svc", NewServiceConfig(), StateOptions{
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
		Rejected: func(reason string) { counts[reason]++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	good := be("ok", 80)
	badHost := good
	badHost.Host = "1.2.3.4\n server evil 6.6.6.6:80"
	badName := good
	badName.Name = registration.StringValue("a\tb")
	for range 3 { // the same set again: no new log line or count
		if _, err := s.SetBackends([]registration.Backend{badHost, good, badName}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Unfiltered(); len(got) != 1 || !got[0].Equal(good) {
		t.Fatalf("backends = %v, want only the valid one", got)
	}
	if counts["host"] != 1 || counts["name"] != 1 || len(counts) != 2 {
		t.Errorf("rejections counted %v, want host:1 name:1", counts)
	}
	if n := strings.Count(logs.String(), "skipping invalid registration"); n != 2 {
		t.Errorf("%d log lines, want 2:\n%s", n, logs.String())
	}
	// Gone and back: a change, so it is reported again.
	if _, err := s.SetBackends([]registration.Backend{good}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetBackends([]registration.Backend{good, badHost}, nil); err != nil {
		t.Fatal(err)
	}
	if counts["host"] != 2 {
		t.Errorf("host rejections = %d after the registration came back, want 2", counts["host"])
	}
	if !strings.Contains(logs.String(), `\"1.2.3.4\\n server evil`) {
		t.Errorf("log does not quote the value:\n%s", logs.String())
	}
}

func BenchmarkAdmitValid(b *testing.B) {
	s, err := NewServiceState("svc", NewServiceConfig(), StateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	set := make([]registration.Backend, 1000)
	for i := range set {
		set[i] = be("i-0123456789", 31000+i)
	}
	b.ReportAllocs()
	for b.Loop() {
		if out := s.admit(set); len(out) != len(set) {
			b.Fatal("rejected a valid backend")
		}
	}
}

// A watcher that discovers no port (ec2tag) relies on
// backend_port_override, which applies before the check.
func TestAdmitAfterPortOverride(t *testing.T) {
	cfg := NewServiceConfig()
	cfg.BackendPortOverride = &PortOverride{registration.NumberPort(8600)}
	s, err := NewServiceState("svc", cfg, StateOptions{Rejected: func(r string) { t.Errorf("rejected (%s)", r) }})
	if err != nil {
		t.Fatal(err)
	}
	portless := registration.Backend{Name: registration.StringValue("i-1"), Host: "ip-10-0-0-1.ec2.internal"}
	if _, err := s.SetBackends([]registration.Backend{portless}, nil); err != nil {
		t.Fatal(err)
	}
	if got := s.Unfiltered(); len(got) != 1 || got[0].Port.String() != "8600" {
		t.Errorf("backends = %v, want the one with port 8600", got)
	}
}
