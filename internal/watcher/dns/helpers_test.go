package dns

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

const waitLong = 10 * time.Second

func server(name, host string, port int) Server {
	return Server{Name: registration.StringValue(name), Host: host, Port: registration.NumberPort(port)}
}

func testConfig(ns string, interval time.Duration, servers ...Server) *Config {
	c := NewConfig()
	c.Servers, c.Nameserver, c.CheckInterval = servers, Nameservers{ns}, config.Duration(interval)
	return c
}

// running is a watcher under test.
type running struct {
	w   *Watcher
	out chan watcher.Snapshot
}

// run builds a watcher through the registry and runs it until the test
// ends, checking that Run returns promptly on cancel.
func run(t *testing.T, cfg *Config) *running {
	t.Helper()
	w, err := watcher.New(Method, "svc", cfg, watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &running{w: w.(*Watcher), out: make(chan watcher.Snapshot)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, r.out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5s of cancel")
		}
	})
	return r
}

// await reads snapshots until cond accepts one.
func (r *running) await(t *testing.T, what string, cond func(watcher.Snapshot) error) watcher.Snapshot {
	t.Helper()
	deadline := time.After(waitLong)
	err := fmt.Errorf("no snapshot yet")
	for {
		select {
		case s := <-r.out:
			if err = cond(s); err == nil {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: not seen within %s: %v", what, waitLong, err)
		}
	}
}

// backends requires exactly these backends, as their JSON, in order.
func backends(want ...string) func(watcher.Snapshot) error {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return fmt.Errorf("snapshot error: %w", s.Err)
		}
		if s.Service != "svc" {
			return fmt.Errorf("service %q", s.Service)
		}
		if got, w := render(s.Backends), strings.Join(want, "\n"); got != w {
			return fmt.Errorf("backends\n%s\nwant\n%s", got, w)
		}
		return nil
	}
}

// failed requires an Err snapshot whose message contains substr.
func failed(substr string) func(watcher.Snapshot) error {
	return func(s watcher.Snapshot) error {
		if s.Err == nil {
			return fmt.Errorf("no error; backends %s", render(s.Backends))
		}
		if !strings.Contains(s.Err.Error(), substr) {
			return fmt.Errorf("error %q does not mention %q", s.Err, substr)
		}
		return nil
	}
}

func render(bs []registration.Backend) string {
	var lines []string
	for _, b := range bs {
		j, err := b.MarshalJSON()
		if err != nil {
			return err.Error()
		}
		lines = append(lines, string(j))
	}
	return strings.Join(lines, "\n")
}

// be is one expected backend's JSON.
func be(name, host string, port int) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%d,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`,
		name, host, port)
}
