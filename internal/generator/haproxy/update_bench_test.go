package haproxy

import (
	"fmt"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// BenchmarkUpdateWeight is the generator's share of a weight change in
// make bench's propagation scenario (10 services x 10 backends) and at the
// scale scenario's size (1,000 x 50), on a real HAProxy 2.6: one backend's
// nerve weight changed per Update (render, plan, "set server weight", the
// write).
func BenchmarkUpdateWeight(b *testing.B) {
	for _, size := range []struct{ services, backends int }{{10, 10}, {1000, 50}} {
		b.Run(fmt.Sprintf("%dx%d", size.services, size.backends), func(b *testing.B) {
			benchmarkUpdateWeight(b, size.services, size.backends)
		})
	}
}

func benchmarkUpdateWeight(b *testing.B, services, backends int) {
	r := startRealSetup(b)
	r.cfg.UseNerveWeights = true
	r.cfg.DoChecks = false
	svcs := make([]generator.Service, services)
	for i := range svcs {
		name := fmt.Sprintf("svc%d", i)
		svcs[i] = svc(r.g, b, name, "listen: [mode tcp]")
		for j := range backends {
			be := live("", fmt.Sprintf("127.%d.%d.%d", i/200, i%200, j+1), 8080)
			be.Weight = registration.IntValue(1)
			svcs[i].Backends = append(svcs[i].Backends, be)
		}
	}
	before, err := r.h.Procs()
	if err != nil {
		b.Fatal(err)
	}
	mustUpdate(b, r.g, svcs...)
	if _, err := r.h.AwaitReload(before); err != nil {
		b.Fatalf("no reload: %v", err)
	}
	mustUpdate(b, r.g, svcs...)
	reloads := r.reloads(b)
	b.ResetTimer()
	for i := range b.N {
		s := &svcs[i%services]
		s.Backends = append([]registration.Backend(nil), s.Backends...)
		s.Backends[0].Weight = registration.IntValue(int64(2 + i%50))
		mustUpdate(b, r.g, svcs...)
	}
	b.StopTimer()
	if got := r.reloads(b); got != reloads {
		b.Errorf("%d reloads during the weight changes, want none", got-reloads)
	}
}
