package haproxy

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// BenchmarkFirstUpdate is synapse's first Update at start-up with 1,000
// services x 50 backends, against a fake stats socket of an HAProxy that
// runs none of them (as before the initial reload): the render, the
// mechanism choice, the socket plan and the write, each iteration with a
// new generator. Start-up's reload waits for all of it.
func BenchmarkFirstUpdate(b *testing.B) {
	const services, backends = 1000, 50
	sock := newFakeSocket(b, "")
	sock.refuse["show info"] = fakeInfo26
	svcs := make([]generator.Service, services)
	for i := range svcs {
		svcs[i] = generator.Service{Name: fmt.Sprintf("svc%d", i)}
		for j := range backends {
			be := live("", fmt.Sprintf("127.%d.%d.%d", i/200, i%200, j+1), 8080)
			be.Weight = registration.IntValue(1)
			svcs[i].Backends = append(svcs[i].Backends, be)
		}
	}
	dir := b.TempDir()
	for b.Loop() {
		b.StopTimer()
		c := NewConfig()
		cfg := &c
		cfg.Global = []string{"daemon"}
		cfg.Defaults = []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"}
		cfg.DoSocket, cfg.DoWrites, cfg.DoReloads = true, true, false
		cfg.SocketFilePath = []string{sock.path}
		cfg.ConfigFilePath = filepath.Join(dir, "haproxy.cfg")
		cfg.UseNerveWeights, cfg.DoChecks = true, false
		g := newTestGenerator(b, cfg, newFakeClock())
		in := make([]generator.Service, len(svcs))
		for i, s := range svcs {
			in[i] = svc(g, b, s.Name, "listen: [mode tcp]")
			in[i].Backends = s.Backends
		}
		b.StartTimer()
		mustUpdate(b, g, in...)
	}
}
