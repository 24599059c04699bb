package nerve

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/statsd"
)

// The worker-side DogStatsD lines the e2e run cannot easily provoke, read
// from a real loopback UDP socket.
func TestStatsdLines(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	c, err := statsd.New(statsd.Config{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port}, statsd.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m := newMetrics(nil, nil)
	m.sd.Store(c)
	for _, tc := range []struct {
		emit func()
		want string
	}{
		{func() { m.throttled("web", true) }, "nerve.watcher.throttled:1|c|#service_name:web,shadow_mode:true"},
		{func() { m.reap("web", "relaunch") }, "nerve.watcher.reap:1|c|#reap_reason:relaunch,reap_result:success,watcher_name:web"},
		{func() { m.stop("web", "failure") }, "nerve.watcher.stop:1|c|#stop_avenue:failure,stop_location:main_loop,service_name:web"},
		{func() { m.transition("web", "down") }, "nerve.watcher.status.transition:1|c|#new_status:down,service_name:web"},
		{func() { m.report("web", "down", false) }, "nerve.watcher.status.report.count:1|c|#report_result:fail,service_name:web"},
	} {
		tc.emit()
		buf := make([]byte, 1024)
		_ = pc.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("want %q: %v", tc.want, err)
		}
		if got := strings.TrimSpace(string(buf[:n])); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
