package zookeeper

import (
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// A decoder that reuses the previous round's unchanged children gives, round
// after round, what a fresh decoder gives, through adds, removals, data
// changes and children that turn malformed and back.
func TestDecodeReusesUnchangedChildren(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	bad := 0
	d := newDecoder(registration.Format{}, "/p", log, func() { bad++ })
	rng := rand.New(rand.NewPCG(1, 2))
	children := map[string][]byte{}
	wantBad := 0
	for round := range 200 {
		name := fmt.Sprintf("i-%d_%010d", rng.IntN(12), rng.IntN(12))
		switch rng.IntN(4) {
		case 0:
			delete(children, name)
		case 1:
			if _, ok := children[name]; !ok || string(children[name]) != "{" {
				wantBad++
			}
			children[name] = []byte("{")
		default:
			children[name] = fmt.Appendf(nil, `{"host":"h%d","port":%d,"weight":%d}`, round, 1000+round, rng.IntN(100))
		}
		snapshot := maps.Clone(children) // a new map each round, as the zk watcher sends
		fresh := newDecoder(registration.Format{}, "/p", log, nil)
		got, want := watchertest.Render(d.backends(snapshot)), watchertest.Render(fresh.backends(snapshot))
		if got != want {
			t.Fatalf("round %d: got\n%s\nwant\n%s", round, got, want)
		}
	}
	if bad != wantBad {
		t.Errorf("%d malformed children reported, want %d (once per change of data)", bad, wantBad)
	}
}

// An unchanged child is taken from the previous round, not parsed again
// (its ID is the same pointer); a changed one is parsed.
func TestDecodeParsesOnlyChangedChildren(t *testing.T) {
	d := newDecoder(registration.Format{}, "/p", slog.New(slog.DiscardHandler), nil)
	first := d.backends(map[string][]byte{
		"a_0000000001": []byte(`{"host":"h1","port":1}`),
		"b_0000000002": []byte(`{"host":"h2","port":2}`),
	})
	second := d.backends(map[string][]byte{
		"a_0000000001": []byte(`{"host":"h1","port":1}`), // equal data, another slice
		"b_0000000002": []byte(`{"host":"h2","port":3}`),
	})
	if len(first) != 2 || len(second) != 2 {
		t.Fatalf("backends %d then %d, want 2 and 2", len(first), len(second))
	}
	if first[0].ID != second[0].ID {
		t.Error("unchanged child parsed again")
	}
	if first[1].ID == second[1].ID || second[1].Port.String() != "3" {
		t.Errorf("changed child not parsed again: port %s", second[1].Port.String())
	}
}

// A registration whose haproxy_server_options is not a string is used
// without it, as the original does, with one log line per version of its
// data, and it is not counted as malformed.
func TestDecodeIgnoresNonStringOptions(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	bad := 0
	d := newDecoder(registration.Format{}, "/p", log, func() { bad++ })
	children := map[string][]byte{"i-1_0000000001": []byte(`{"host":"10.0.0.1","port":80,"haproxy_server_options":{"check":true}}`)}
	for range 2 {
		got := d.backends(maps.Clone(children))
		if len(got) != 1 || got[0].HAProxyServerOptions.Present() || got[0].Host != "10.0.0.1" {
			t.Fatalf("backends = %+v", got)
		}
	}
	want := `level=WARN msg="using zookeeper child without a value it cannot use" child=i-1_0000000001 ` +
		`ignored="\"haproxy_server_options\" is an object, want a string; ignored"` + "\n"
	if logs.String() != want || bad != 0 {
		t.Errorf("log = %q (malformed %d), want %q", logs.String(), bad, want)
	}
}

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// Fed as a zk watcher with ReleaseData feeds it (data only for the
// children whose data changed since the previous map), a released decoder
// gives what a fresh decoder gives the full data, and reports a malformed
// child once per change of its data.
func TestDecodeReleasedMatchesFullData(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	bad := 0
	d := newDecoder(registration.Format{}, "/p", log, func() { bad++ })
	d.released = true
	rng := rand.New(rand.NewPCG(3, 4))
	children, sent := map[string][]byte{}, map[string]string{}
	wantBad := 0
	for round := range 300 {
		name := fmt.Sprintf("i-%d_%010d", rng.IntN(12), rng.IntN(12))
		switch rng.IntN(5) {
		case 0:
			delete(children, name)
		case 1:
			if string(children[name]) != "{" {
				wantBad++
			}
			children[name] = []byte("{")
		case 2:
			if old, ok := children[name]; ok {
				children[name] = old // rewritten, same bytes
			}
		default:
			children[name] = fmt.Appendf(nil, `{"host":"h%d","port":%d}`, rng.IntN(3), 1000+rng.IntN(3))
		}
		released := map[string][]byte{}
		for n, data := range children {
			if prev, ok := sent[n]; !ok || prev != string(data) {
				released[n], sent[n] = data, string(data)
			} else {
				released[n] = nil
			}
		}
		for n := range sent {
			if _, ok := children[n]; !ok {
				delete(sent, n)
			}
		}
		fresh := newDecoder(registration.Format{}, "/p", log, nil)
		got, want := watchertest.Render(d.backends(released)), watchertest.Render(fresh.backends(maps.Clone(children)))
		if got != want {
			t.Fatalf("round %d: got\n%s\nwant\n%s", round, got, want)
		}
	}
	if bad != wantBad {
		t.Errorf("%d malformed children reported, want %d (once per change of data)", bad, wantBad)
	}
}
