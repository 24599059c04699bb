package haproxy

import (
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// BenchmarkLoneRemoval is one backend removed, then added back, in turn,
// among 1,000 services x 50 backends against a fake stats socket that
// runs every server: the runtime path alone, as BenchmarkLoneWeightChange.
// A removal patches the stat record without the rows of the other
// backends. "cmd-ns" is Update's start to the first command reaching the
// socket (p50 over the run), ns/op the whole Update, with the file.
func BenchmarkLoneRemoval(b *testing.B) {
	g, sock, svcs := scaleBench(b, func(cmd string) string {
		switch {
		case strings.HasPrefix(cmd, "add server "):
			return "New server registered."
		case strings.HasPrefix(cmd, "del server "):
			return "Server deleted."
		}
		return ""
	})
	timer := newCmdTimer(sock, nil)
	full := make([][]registration.Backend, len(svcs))
	for i := range svcs {
		full[i] = svcs[i].Backends
	}
	b.ResetTimer()
	for i := range b.N {
		k := (i / 2) % len(svcs)
		s := &svcs[k]
		if i%2 == 0 {
			s.Backends = slices.Clone(full[k][1:])
		} else {
			s.Backends = full[k]
		}
		if !timer.update(b, g, svcs) || g.PendingReload() != nil {
			b.Fatalf("update %d: commands %q, reload %q", i, sock.commands(), g.PendingReload())
		}
	}
	b.StopTimer()
	timer.report(b)
}
