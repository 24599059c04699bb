package e2e

import (
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// udpSink collects the datagrams sent to a loopback UDP port.
type udpSink struct {
	conn  net.PacketConn
	mu    sync.Mutex
	lines []string
}

func newUDPSink(t *testing.T) *udpSink {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &udpSink{conn: c}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			n, _, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.lines = append(s.lines, strings.Split(string(buf[:n]), "\n")...)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = c.Close(); <-done })
	return s
}

func (s *udpSink) port() int { return s.conn.LocalAddr().(*net.UDPAddr).Port }

// missing returns the patterns no received line matches in full.
func (s *udpSink) missing(patterns []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range patterns {
		re := regexp.MustCompile("^" + p + "$")
		found := false
		for _, l := range s.lines {
			if re.MatchString(l) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, p)
		}
	}
	return out
}

func (s *udpSink) want(t *testing.T, patterns ...string) {
	t.Helper()
	err := testutil.Poll(10*time.Second, func() error {
		if m := s.missing(patterns); len(m) > 0 {
			return fmt.Errorf("no datagram matches %q", m)
		}
		return nil
	})
	if err != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		t.Fatalf("%v; got:\n%s", err, strings.Join(s.lines, "\n"))
	}
}

// The original's DogStatsD metrics (docs/nerve.md, Metrics) over a real UDP
// socket: a healthy run, a reload that drops a service, and SIGTERM.
func TestNerveStatsd(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	root := testutil.ZKPath(t)
	svc := newHealthService(t)
	sink := newUDPSink(t)
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	cfg := func(names ...string) map[string]any {
		svcs := map[string]any{}
		for _, n := range names {
			svcs[n] = service(svc.port, z.ConnectString(), root+"/"+n)
		}
		return map[string]any{"instance_id": "e2e-host", "services": svcs,
			"statsd": map[string]any{"host": "127.0.0.1", "port": sink.port()}}
	}
	writeConfig(t, cfgPath, cfg("web", "api"))
	p := startNerve(t, "-c", cfgPath)
	const num = `[0-9.]+`
	zkc := `zk_cluster:[^,|]+`
	sink.want(t,
		`nerve\.start:1\|c`,
		`nerve\.watcher\.launch:1\|c\|#launch_reason:new,watcher_name:web`,
		`nerve\.watcher\.start:1\|c\|#service_name:web`,
		`nerve\.watcher\.status\.ping\.count:1\|c\|#ping_result:success,service_name:web,nerve_version:.+`,
		`nerve\.watcher\.status\.service_check:1\|c\|#check_result:up,service_name:web,check_name:.+`,
		`nerve\.watcher\.status\.transition:1\|c\|#new_status:up,service_name:web`,
		`nerve\.watcher\.status\.report\.count:1\|c\|#report_result:success,service_name:web`,
		`nerve\.main_loop\.elapsed_time:`+num+`\|ms`,
		`nerve\.reporter\.zk\.client\.created:1\|c\|#`+zkc,
		`nerve\.reporter\.zk\.client\.reused:1\|c\|#`+zkc,
		`nerve\.reporter\.zk\.create\.elapsed_time:`+num+`\|ms\|#`+zkc+`,zk_path:`+regexp.QuoteMeta(root+"/web"),
		fmt.Sprintf(`nerve\.reporter\.zk\.child\.bytes:%d\|g\|#%s,zk_path:%s`, len(payload(svc.port)), zkc, regexp.QuoteMeta(root+"/web")),
		// api registered too: the reload below deletes its znode.
		`nerve\.reporter\.zk\.create\.elapsed_time:`+num+`\|ms\|#`+zkc+`,zk_path:`+regexp.QuoteMeta(root+"/api"),
	)

	writeConfig(t, cfgPath, cfg("web"))
	p.signal(t, syscall.SIGHUP)
	sink.want(t,
		`nerve\.config\.update:1\|c`,
		`nerve\.watcher\.reap:1\|c\|#reap_reason:old,reap_result:success,watcher_name:api`,
		`nerve\.watcher\.stop:1\|c\|#stop_avenue:clean,stop_location:main_loop,service_name:api`,
		`nerve\.reporter\.zk\.delete\.elapsed_time:`+num+`\|ms\|#`+zkc,
	)

	p.signal(t, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatal("nerve did not exit after SIGTERM")
	}
	sink.want(t,
		`nerve\.watcher\.stop:1\|c\|#stop_avenue:clean,stop_location:main_loop,service_name:web`,
		`nerve\.stop:1\|c\|#stop_avenue:clean,stop_location:main_loop`,
	)
	if p.err != nil {
		t.Fatalf("exit: %v", p.err)
	}
}
