package haproxy

import (
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// The fake socket's "show stat" never changes by itself, so an update that
// read it again would add b and c a second time: following updates must
// plan from the generator's own record.
const recordSection = "backend: [mode tcp]"

func recordGenerator(t *testing.T) (*Generator, *fakeSocket, *fakeClock) {
	t.Helper()
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,1_10.0.0.1:80,UP"))
	for _, n := range []string{"1", "2", "3", "4"} {
		for _, id := range []string{"1", "2", "3", "4"} {
			sock.refuse["add server svc/"+n+"_10.0.0."+n+":80 10.0.0."+n+":80 id "+id] = "New server registered."
		}
		sock.refuse["del server svc/"+n+"_10.0.0."+n+":80"] = "Server deleted."
	}
	clock := newFakeClock()
	cfg := baseConfig()
	cfg.DoSocket, cfg.SocketFilePath = true, StringList{sock.path}
	g := newTestGenerator(t, cfg, clock)
	g.reloads = reloads{}
	return g, sock, clock
}

func recordUpdate(t *testing.T, g *Generator, names ...string) {
	t.Helper()
	var bs []registration.Backend
	for _, n := range names {
		bs = append(bs, live(n, "10.0.0."+n, 80))
	}
	mustUpdate(t, g, generator.Service{Name: "svc", Config: normalized(t, g, "svc", recordSection), Backends: bs})
}

// wantSent checks the commands since the last check, and whether "show
// stat" was among them.
func wantSent(t *testing.T, sock *fakeSocket, read bool, want ...string) {
	t.Helper()
	reads := sock.showStats()
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("commands = %q\nwant %q", got, want)
	}
	if (reads > 0) != read {
		t.Errorf("show stat read %d times, want read: %v", reads, read)
	}
}

func TestStatRecordFollowsCommands(t *testing.T) {
	g, sock, _ := recordGenerator(t)
	recordUpdate(t, g, "1") // 1_10.0.0.1:80 already runs: nothing to send, HAProxy is read
	wantSent(t, sock, true)
	recordUpdate(t, g, "1", "2")
	wantSent(t, sock, false, "add server svc/2_10.0.0.2:80 10.0.0.2:80 id 2", "enable server svc/2_10.0.0.2:80")
	recordUpdate(t, g, "1", "2", "3")
	wantSent(t, sock, false, "add server svc/3_10.0.0.3:80 10.0.0.3:80 id 3", "enable server svc/3_10.0.0.3:80")
	recordUpdate(t, g, "1", "3")
	// The removal's commands are drain.go's; here only that 2 is the one
	// removed, and that the record then knows it is gone.
	if sock.showStats() != 0 {
		t.Error("show stat read before a removal")
	}
	if got := sock.commands(); len(got) == 0 || !slices.Contains(got, "del server svc/2_10.0.0.2:80") {
		t.Errorf("removal commands = %q, want 2 deleted", got)
	}
	recordUpdate(t, g, "1", "3", "4")
	reads, got := sock.showStats(), sock.commands()
	if reads != 0 || len(got) != 2 || !strings.HasPrefix(got[0], "add server svc/4_10.0.0.4:80 ") {
		t.Errorf("after the removal: %d reads, commands %q; want only 4 added", reads, got)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// A refused command leaves HAProxy in a state the record cannot know.
func TestStatRecordDroppedOnRefusal(t *testing.T) {
	g, sock, _ := recordGenerator(t)
	recordUpdate(t, g, "1")
	sock.refuse["add server svc/2_10.0.0.2:80 10.0.0.2:80 id 2"] = "Already exists a server with the same name in backend."
	recordUpdate(t, g, "1", "2")
	sock.commands()
	recordUpdate(t, g, "1", "2", "3")
	if sock.showStats() == 0 {
		t.Error("show stat not read again after a refused command")
	}
}

// An update with nothing to send reads HAProxy: it finds what changed
// behind synapse's back (here a live server put in maintenance).
func TestStatRecordIdleUpdateReads(t *testing.T) {
	g, sock, _ := recordGenerator(t)
	recordUpdate(t, g, "1")
	sock.commands()
	sock.setStat(statCSV("svc,BACKEND,UP", "svc,1_10.0.0.1:80,MAINT"))
	recordUpdate(t, g, "1")
	wantSent(t, sock, true, "enable server svc/1_10.0.0.1:80")
}

func TestStatRecordResync(t *testing.T) {
	g, sock, clock := recordGenerator(t)
	recordUpdate(t, g, "1")
	recordUpdate(t, g, "1", "2")
	sock.commands()
	clock.advance(statResync)
	recordUpdate(t, g, "1", "2", "3")
	// Read again: HAProxy's (fake, unchanged) answer has no 2, so it is
	// added again, as it would be after an outside "del server".
	wantSent(t, sock, true,
		"add server svc/2_10.0.0.2:80 10.0.0.2:80 id 2", "enable server svc/2_10.0.0.2:80",
		"add server svc/3_10.0.0.3:80 10.0.0.3:80 id 3", "enable server svc/3_10.0.0.3:80")
}

func TestStatRecordDroppedByReload(t *testing.T) {
	g, sock, _ := recordGenerator(t)
	cmd, count := reloadCounter(t)
	g.cfg.DoReloads, g.cfg.ReloadCommand = true, cmd
	recordUpdate(t, g, "1")
	g.reloads.add(reasonConfigChanged, "test")
	recordUpdate(t, g, "1", "2")
	if count() != 1 {
		t.Fatalf("%d reloads, want 1", count())
	}
	sock.commands()
	recordUpdate(t, g, "1", "2", "3")
	if sock.showStats() == 0 {
		t.Error("show stat not read again after a reload")
	}
}

// A tick that retries drains may delete servers: the record is dropped.
func TestStatRecordDroppedByDrainingTick(t *testing.T) {
	g, sock, _ := recordGenerator(t)
	sock.setStat(statCSV("svc,BACKEND,UP", "svc,1_10.0.0.1:80,UP", "svc,2_10.0.0.2:80,UP"))
	sock.refuse["del server svc/2_10.0.0.2:80"] = "Server still has connections attached to it, cannot remove it."
	recordUpdate(t, g, "1")
	sock.commands()
	mustTick(t, g)
	sock.commands()
	recordUpdate(t, g, "1", "3")
	if sock.showStats() == 0 {
		t.Error("show stat not read again after a tick with servers draining")
	}
}
