package fault

import (
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// nerve SIGKILLed: its node stays until its session expires, then goes
// (HAProxy stops routing to the backend it no longer vouches for); nerve
// started again registers it again. The other backend serves throughout.
func TestNerveKilled(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	n := s.backends[1].nerve
	if err := n.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	s.converged(t, s.backends[0])
	t.Logf("the killed nerve's registration gone from HAProxy after %s (session %s)",
		time.Since(killed).Round(time.Millisecond), s.session)
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	s.converged(t, s.backends...)
	s.alive(t)
	s.noFailedRequest(t)
}

// synapse SIGKILLed and started again, with a backend going away while
// it is down: HAProxy keeps serving meanwhile, and the new synapse makes
// it match ZooKeeper.
func TestSynapseKilled(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	if err := s.synapse.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, func() error {
		if !s.synapse.Exited() {
			return fmt.Errorf("synapse still running")
		}
		return nil
	})
	s.backends[1].set(sick)
	s.waitUnregistered(t, s.backends[1], 5*time.Second)
	s.waitAnswers(t, 20)
	if err := s.synapse.Start(); err != nil {
		t.Fatal(err)
	}
	s.b1ComesBack(t)
	s.noFailedRequest(t)
}

// 20 SIGHUPs 20 ms apart to synapse and to a nerve: both keep running
// and keep following health changes; no request fails.
func TestSIGHUPStorm(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	for i := range 20 {
		if err := s.synapse.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		if err := s.backends[0].nerve.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			s.backends[1].set(sick)
		}
		time.Sleep(20 * time.Millisecond) // the storm's pace
	}
	s.b1ComesBack(t)
	s.noFailedRequest(t)
}

// A checked service whose health endpoint accepts and never answers:
// nerve deregisters it within fall checks of one timeout each (plus the
// intervals between them) and keeps running; HAProxy stops routing to it.
func TestCheckedServiceHangs(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	const timeout, interval, fall = 500 * time.Millisecond, 200 * time.Millisecond, 2 // startNerve's check
	// 2 s of slack for a busy machine.
	bound := fall*(timeout+interval) + 2*time.Second
	b := s.backends[1]
	b.set(hung)
	start := time.Now()
	s.waitUnregistered(t, b, bound)
	t.Logf("hung backend deregistered after %s (bound %s)", time.Since(start).Round(time.Millisecond), bound)
	s.converged(t, s.backends[0])
	b.set(healthy)
	s.converged(t, s.backends...)
	s.alive(t)
	s.noFailedRequest(t)
}

// HAProxy killed outright (no one restarts it but this test, as systemd
// would), a backend going away while it is down: once it runs again,
// synapse makes it match ZooKeeper, and a backend coming back reaches
// the new HAProxy through its socket. Requests fail while HAProxy is
// down (there is no path) and only then.
func TestHAProxyKilled(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	if err := s.ha.Kill(); err != nil {
		t.Fatal(err)
	}
	s.backends[1].set(sick)
	s.waitUnregistered(t, s.backends[1], 5*time.Second)
	if err := s.ha.StartAgain(); err != nil {
		t.Fatal(err)
	}
	s.writePID()
	s.converged(t, s.backends[0])
	s.traffic.Stop() // the failures so far are HAProxy's absence
	s.backends[1].set(healthy)
	s.converged(t, s.backends...)
	s.alive(t)
}

// A reload HAProxy rejects (a new service's port is taken by another
// program): synapse counts it a failure with the reason, keeps running,
// and once the port is free its retry loads the config, with the health
// change made meanwhile. HAProxy 2.6 pauses every frontend of the old
// worker while a new one tries to start (its log: "Paused frontend",
// "Loading failure!", "Resumed frontend"), stats socket included, so
// requests are refused, and run-time changes wait, during each attempt:
// there is no healthy path then. The client's failures are counted and
// logged; from the successful reload on none may fail.
func TestRejectedReload(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().String()
	s.synConf["services"].(map[string]any)["extra"] = map[string]any{
		"discovery": s.discovery(s.path),
		"haproxy": map[string]any{
			"port": l.Addr().(*net.TCPAddr).Port, "bind_address": "127.0.0.1", "listen": []string{"mode http"},
		},
	}
	s.rewriteSynapseConfig()
	s.reloadSynapse(t)
	testutil.Eventually(t, 30*time.Second, func() error {
		if n := s.metric(t, "synapse_haproxy_reload_failures_total", `cause="not_loaded"`); n < 1 {
			return fmt.Errorf("no failed reload counted")
		}
		return nil
	})
	testutil.Eventually(t, 5*time.Second, func() error {
		if log, _ := os.ReadFile(s.synapse.LogPath); !strings.Contains(string(log), "bind "+taken+": address already in use") {
			return fmt.Errorf("synapse's log does not name the taken bind %s", taken)
		}
		return nil
	})
	failedAt := time.Now()
	s.backends[1].set(sick)
	l.Close()
	testutil.Eventually(t, 40*time.Second, func() error {
		c, err := net.DialTimeout("tcp", taken, time.Second)
		if err != nil {
			return fmt.Errorf("HAProxy does not listen on %s yet: %w", taken, err)
		}
		return c.Close()
	})
	t.Logf("the config loaded %s after the first failure was counted", time.Since(failedAt).Round(time.Millisecond))
	s.converged(t, s.backends[0])
	during, _ := s.traffic.Failed()
	t.Logf("requests failed while HAProxy refused reloads: %v", during)
	s.backends[1].set(healthy)
	s.converged(t, s.backends...)
	s.alive(t)
	s.waitAnswers(t, 20)
	if after, last := s.traffic.Failed(); total(after) > total(during) {
		t.Errorf("failed requests after the reload succeeded: %v (before it %v); latest:\n%s", after, during, strings.Join(last, "\n"))
	}
}

// The stats socket file removed: synapse says so, keeps running, and
// once HAProxy is restarted (the only way it recreates the file) makes
// it match ZooKeeper, including the change made while the socket was
// gone. Requests fail only while HAProxy restarts.
func TestStatsSocketRemoved(t *testing.T) {
	t.Parallel()
	s := newStack(t, opts{backends: 2})
	if err := os.Remove(s.ha.StatsSocket); err != nil {
		t.Fatal(err)
	}
	s.backends[1].set(sick)
	testutil.Eventually(t, 10*time.Second, func() error {
		if log, _ := os.ReadFile(s.synapse.LogPath); !strings.Contains(string(log), "haproxy stats socket file is gone") {
			return fmt.Errorf("synapse has not reported the missing socket")
		}
		return nil
	})
	s.waitAnswers(t, 20)
	s.alive(t)
	s.traffic.Stop()
	if failed, last := s.traffic.Failed(); len(failed) > 0 {
		t.Errorf("failed requests before HAProxy's restart: %v; latest:\n%s", failed, strings.Join(last, "\n"))
	}
	if err := s.ha.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := s.ha.StartAgain(); err != nil {
		t.Fatal(err)
	}
	s.writePID()
	s.b1ComesBack(t)
}
