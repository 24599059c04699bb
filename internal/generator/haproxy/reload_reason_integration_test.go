package haproxy

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// A failed reload says why, in HAProxy's words where synapse can get
// them (HAProxy 2.6 gives them only to its own log): the ALERT of
// `haproxy -c` for a config it refuses, the taken port for one that
// checks fine but does not load. Each is counted by cause.
func TestIntegrationReloadFailureReason(t *testing.T) {
	for _, c := range []struct {
		name, cause, want string
		section           func(r *realSetup, taken int) string
	}{
		{"config refused", "config_invalid", "balance only supports", func(r *realSetup, _ int) string {
			return fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nbackend: [mode tcp, balance nosuchalgo]", r.port)
		}},
		{"port taken", "not_loaded", "address already in use", func(_ *realSetup, taken int) string {
			return fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nbackend: [mode tcp]", taken)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := startRealSetup(t)
			r.g.reloadCheck = 2 * time.Second
			r.g.cfg.DoChecks = false // check_command would keep a refused config from being installed
			a := live("", "127.0.0.1", 4600)
			r.updateReloading(t, r.service(t, "", a))
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			taken := l.Addr().(*net.TCPAddr).Port
			r.clock.advance(time.Minute)
			mustUpdate(t, r.g, svc(r.g, t, "svc", c.section(r, taken), a))
			settleReload(t, r.g)
			last := r.g.reloads.last
			if last == nil || last.OK || !strings.Contains(last.Error, c.cause+": ") || !strings.Contains(last.Error, c.want) {
				t.Fatalf("last reload %+v; want a failure with cause %s saying %q", last, c.cause, c.want)
			}
			if c.cause == "not_loaded" && !strings.Contains(last.Error, fmt.Sprintf("bind 127.0.0.1:%d", taken)) {
				t.Errorf("reason %q does not name the taken bind 127.0.0.1:%d", last.Error, taken)
			}
			if n := counterValue(t, r.g.m.reloadFailures.WithLabelValues(c.cause)); n != 1 {
				t.Errorf("synapse_haproxy_reload_failures_total{cause=%q} = %v, want 1", c.cause, n)
			}
			t.Logf("reason: %s", last.Error)
		})
	}
}
