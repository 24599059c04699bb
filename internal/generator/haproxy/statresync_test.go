package haproxy

import (
	"slices"
	"strings"
	"testing"
)

// A Tick reads "show stat" again once the record is half a statResync old,
// corrects what drifted against the last generation, and leaves the next
// update a current record to plan against, without a read of its own.
func TestTickResyncsTheStatRecord(t *testing.T) {
	sock := dynamicSocket(t, statCSV("a,BACKEND,UP", "a,a1_10.0.0.1:80,UP", "b,BACKEND,UP", "b,b1_10.0.0.2:80,UP"))
	clock := newFakeClock()
	cfg := baseConfig()
	cfg.DoSocket, cfg.SocketFilePath = true, StringList{sock.path}
	g := newTestGenerator(t, cfg, clock)
	b := svc(g, t, "b", "backend: [mode tcp]", live("b1", "10.0.0.2", 80))
	mustUpdate(t, g, svc(g, t, "a", "backend: [mode tcp]", live("a1", "10.0.0.1", 80)), b)
	sock.commands()

	mustTick(t, g)
	if n := sock.showStats(); n != 0 {
		t.Fatalf("a tick right after an update read show stat %d times", n)
	}
	sock.setStat(statCSV("a,BACKEND,UP", "a,a1_10.0.0.1:80,UP", "b,BACKEND,UP", "b,b1_10.0.0.2:80,MAINT"))
	clock.advance(statResync/2 + 1)
	mustTick(t, g)
	if got := sock.commands(); !slices.Equal(got, []string{"enable server b/b1_10.0.0.2:80"}) {
		t.Fatalf("tick after half a resync sent %q, want b1 enabled again", got)
	}
	reads := sock.showStats()
	mustUpdate(t, g, svc(g, t, "a", "backend: [mode tcp]", live("a1", "10.0.0.1", 80), live("a2", "10.0.0.3", 80)), b)
	if n := sock.showStats() - reads; n != 0 {
		t.Errorf("the update after the tick read show stat %d times, want its record", n)
	}
	if got := sock.commands(); !slices.ContainsFunc(got, func(c string) bool { return strings.HasPrefix(c, "add server a/a2_10.0.0.3:") }) {
		t.Errorf("update commands = %q, want a2 added", got)
	}
}

// Until a reload's rate limit ends the old worker may still answer on the
// socket: no resync then.
func TestTickResyncWaitsOutAReload(t *testing.T) {
	sock := dynamicSocket(t, statCSV("a,BACKEND,UP", "a,a1_10.0.0.1:80,UP"))
	clock := newFakeClock()
	cfg := baseConfig()
	cfg.DoSocket, cfg.SocketFilePath = true, StringList{sock.path}
	g := newTestGenerator(t, cfg, clock)
	mustUpdate(t, g, svc(g, t, "a", "backend: [mode tcp]", live("a1", "10.0.0.1", 80)))
	reads := sock.showStats()
	g.reloads.next = clock.now().Add(statResync)
	clock.advance(statResync/2 + 1)
	mustTick(t, g)
	if n := sock.showStats() - reads; n != 0 {
		t.Errorf("a tick within the reload's rate limit read show stat %d times", n)
	}
}
