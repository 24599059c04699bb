package fault

import (
	"slices"
	"testing"
	"time"
)

// These tests stop, kill or freeze members of the package's ensemble, so
// none runs in parallel with another test.

// members stops the given members and returns a function that starts
// them again; cleanup starts whatever is still down, so a failed test
// does not leave the next one without a quorum.
func (s *stack) killMembers(t *testing.T, members ...int) (restart func()) {
	t.Helper()
	down := slices.Clone(members)
	for _, i := range members {
		if err := s.zk.KillNode(i); err != nil {
			t.Fatal(err)
		}
	}
	restart = func() {
		t.Helper()
		for len(down) > 0 {
			i := down[0]
			down = down[1:]
			if err := s.zk.RestartNode(i); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(restart)
	return restart
}

func (s *stack) leader(t *testing.T) int {
	t.Helper()
	i := s.zk.Leader()
	if i < 0 {
		t.Fatal("the ensemble has no leader")
	}
	return i
}

// One member down (a follower, then the leader): quorum holds, a health
// change still reaches HAProxy, no request fails.
func TestEnsembleMemberKilled(t *testing.T) {
	for _, which := range []string{"follower", "leader"} {
		t.Run(which, func(t *testing.T) {
			s := newStack(t, opts{backends: 2})
			victim := s.leader(t)
			if which == "follower" {
				victim = (victim + 1) % s.zk.Size()
			}
			restart := s.killMembers(t, victim)
			s.backends[1].set(sick)
			s.converged(t, s.backends[0])
			restart()
			s.backends[1].set(healthy)
			s.converged(t, s.backends...)
			s.alive(t)
			s.noFailedRequest(t)
		})
	}
}

// Quorum lost (the leader and a follower down) for less than the
// session timeout: the registrations keep their names (no session
// expired, nothing re-registered), HAProxy keeps routing, no request
// fails.
//
// A member takes seconds to start again, so the daemons get a longer
// session here than elsewhere in the suite.
func TestQuorumLostShorterThanSession(t *testing.T) {
	const session = 15 * time.Second
	s := newStack(t, opts{backends: 2, session: session})
	before := s.nodeNames(t)
	leader := s.leader(t)
	start := time.Now()
	restart := s.killMembers(t, leader, (leader+1)%s.zk.Size())
	time.Sleep(time.Second) // the fault's length
	restart()
	outage := time.Since(start)
	t.Logf("quorum lost for at most %s (session %s)", outage.Round(time.Millisecond), session)
	if outage >= session {
		t.Fatalf("the outage took %s, not shorter than the %s session: the machine is too slow for this test's premise", outage, session)
	}
	s.converged(t, s.backends...)
	if after := s.nodeNames(t); !slices.Equal(after, before) {
		t.Errorf("registrations %v after a blip shorter than the session, want %v unchanged", after, before)
	}
	s.alive(t)
	s.noFailedRequest(t)
}

// Quorum lost for twice the session timeout: sessions expire once the
// ensemble is back, nerve registers again, synapse follows; HAProxy
// keeps routing to the backends it knew meanwhile, so no request fails.
func TestQuorumLostLongerThanSession(t *testing.T) {
	s := newStack(t, opts{backends: 2})
	leader := s.leader(t)
	restart := s.killMembers(t, leader, (leader+1)%s.zk.Size())
	time.Sleep(2 * sessionTimeout) // the fault's length
	restart()
	s.converged(t, s.backends...)
	s.alive(t)
	s.noFailedRequest(t)
}

// Every member frozen (SIGSTOP) past the session timeout, then resumed:
// the clients saw nothing answer, the ensemble expires their sessions
// when it runs again; the stack converges and no request fails.
func TestEnsembleFrozen(t *testing.T) {
	s := newStack(t, opts{backends: 2})
	if err := s.zk.FreezeAll(); err != nil {
		t.Fatal(err)
	}
	thawed := false
	thaw := func() {
		if !thawed {
			thawed = true
			if err := s.zk.ThawAll(); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(thaw)
	time.Sleep(sessionTimeout + 2*time.Second) // the fault's length
	thaw()
	s.converged(t, s.backends...)
	s.alive(t)
	s.noFailedRequest(t)
}

// nodeNames lists web's registrations by znode name.
func (s *stack) nodeNames(t *testing.T) []string {
	t.Helper()
	names, _, err := s.zc.Children(s.path)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}
