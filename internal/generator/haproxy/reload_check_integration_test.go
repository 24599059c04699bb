package haproxy

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// A config that passes "haproxy -c" but that HAProxy cannot load (its
// port is taken) is a failed reload, though reload_command (a signal to
// the master) exits 0: it stays pending, is counted and logged as a
// failure, and succeeds once HAProxy can load it.
func TestIntegrationRejectedReloadIsAFailure(t *testing.T) {
	r := startRealSetup(t)
	r.g.reloadCheck = 2 * time.Second
	a := live("", "127.0.0.1", 4600)
	r.updateReloading(t, r.service(t, "", a))
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	section := fmt.Sprintf("port: %d\nbind_address: 127.0.0.1\nbackend: [mode tcp]", port)
	r.clock.advance(time.Minute)
	mustUpdate(t, r.g, svc(r.g, t, "svc", section, a))
	settleReload(t, r.g)
	if r.g.PendingReload() == nil {
		t.Fatal("the rejected reload cleared the pending flag")
	}
	if r.g.reloads.failures != 1 || r.g.reloads.last == nil || !strings.Contains(r.g.reloads.last.Error, "after reload_command") {
		t.Fatalf("failures %d, last %+v; want the rejected reload counted", r.g.reloads.failures, r.g.reloads.last)
	}
	reloadOnceFreed(t, r, taken, time.Minute)
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("HAProxy does not listen on the new port after the retry: %v", err)
	}
	c.Close()
}
