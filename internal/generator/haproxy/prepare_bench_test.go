package haproxy

import (
	"context"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
)

// BenchmarkLonePrepare is the part of a lone weight change's Update before
// its runtime command, among 1,000 services x 50 backends: the inputs, the
// render, the wants and the socket's plan against a current record. The
// rest of the update (the command, the file) is not run: each iteration
// takes its render as the last generation, as the write would.
func BenchmarkLonePrepare(b *testing.B) {
	g, sock, svcs := scaleBench(b, nil)
	ctx := context.Background()
	c := g.clients[0]
	b.ResetTimer()
	for i := range b.N {
		reweigh(svcs, i%len(svcs), int64(2+(i+i/len(svcs))%250)) // a new weight each time, within 256
		in, err := g.inputs(svcs)
		if err != nil {
			b.Fatal(err)
		}
		res, err := render.Generate(Input{Config: g.cfg, Services: in, ServerIDs: g.ids, Seed: g.seed, Time: g.now(),
			SlotBase: g.slotBase(), Memo: g.memo, Target: g.target.version, FDLimit: fdLimit()})
		if err != nil {
			b.Fatal(err)
		}
		_, _, p, err := g.planSocketOf(ctx, c, g.updateWants(in, res))
		if err != nil || len(p.Runtime) != 1 {
			b.Fatalf("update %d: plan %q, err %v", i, p.Runtime, err)
		}
		g.ids, g.last, g.lastIn = res.ServerIDs, res, in
	}
	b.StopTimer()
	if len(sock.commands()) > 0 {
		b.Fatalf("commands sent: %q", sock.commands())
	}
}
