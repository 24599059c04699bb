package synapse

import (
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/statsd"
)

// statsdLines reads datagrams from pc until every pattern matched a line.
func statsdLines(t *testing.T, pc net.PacketConn, patterns ...string) {
	t.Helper()
	var got []string
	buf := make([]byte, 65536)
	for _, p := range patterns {
		re := regexp.MustCompile("^" + p + "$")
		for !matchAny(re, got) {
			_ = pc.SetReadDeadline(time.Now().Add(10 * time.Second))
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				t.Fatalf("no line matches %q: %v; got:\n%s", p, err, strings.Join(got, "\n"))
			}
			got = append(got, strings.Split(strings.TrimSpace(string(buf[:n])), "\n")...)
		}
	}
}

func matchAny(re *regexp.Regexp, lines []string) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// The two metrics of the original's main loop: a ping per watcher per
// loop, and the loop's whole run time when synapse stops.
func TestStatsdPingAndMainLoop(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	sd := &statsd.Config{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port}
	h := start(t, Options{TickInterval: 20 * time.Millisecond}, func(h *harness) *Desired {
		d := desired(genSpec("g1", &h.gens, &h.mu), spec("web", "w", ""), spec("api", "a", ""))
		d.Statsd = sd
		return d
	})
	statsdLines(t, pc,
		`synapse\.watcher\.ping\.count:1\|c\|#watcher_name:api,ping_result:success,synapse_version:.+`,
		`synapse\.watcher\.ping\.count:1\|c\|#watcher_name:web,ping_result:success,synapse_version:.+`,
	)
	h.stop()
	statsdLines(t, pc, `synapse\.main_loop\.elapsed_time:[0-9.]+\|ms`, `synapse\.stop:1\|c\|#stop_avenue:clean,stop_location:main_loop`)
}

// A failed watcher waiting for its restart pings "failure"; synapse keeps
// running (the original exited).
func TestStatsdPingFailure(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	sd := &statsd.Config{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port}
	h := start(t, Options{TickInterval: 20 * time.Millisecond, RestartBackoff: time.Hour, MaxRestartBackoff: time.Hour},
		func(h *harness) *Desired {
			d := desired(genSpec("g1", &h.gens, &h.mu), spec("web", "w", ""))
			d.Statsd = sd
			return d
		})
	h.hub.latest(t, "web").fail <- errors.New("session expired")
	statsdLines(t, pc, `synapse\.watcher\.ping\.count:1\|c\|#watcher_name:web,ping_result:failure,synapse_version:.+`)
}
