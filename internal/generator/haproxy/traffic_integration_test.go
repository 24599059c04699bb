package haproxy

import (
	"testing"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// A TCP roundrobin backend (dynamic servers), checked by real traffic: a
// new backend answers without a reload, a weight change shows in "show
// servers state" and in where connections go, a removed backend gets no
// new connection and is deleted, and a forced reload keeps the rest.
func TestIntegrationTrafficDynamic(t *testing.T) {
	a, b := startIdentityTCP(t, "a"), startIdentityTCP(t, "b")
	r := startRealSetup(t)
	r.cfg.UseNerveWeights = true
	get := r.tcpGet
	ba, bb := a.backend(), b.backend()
	r.updateReloading(t, r.service(t, "", ba))
	answeredBy(t, 3, "a", get)
	before := r.mark(t)

	mustUpdate(t, r.g, r.service(t, "", ba, bb))
	awaitAnswer(t, "b", get)
	r.checkNoReload(t, before)

	t.Run("weight", func(t *testing.T) {
		bb.Weight = registration.IntValue(0)
		mustUpdate(t, r.g, r.service(t, "", ba, bb))
		if w := r.servers(t)[b.addr()].UWeight; w != 0 {
			t.Errorf("b's weight %d in show servers state, want 0", w)
		}
		answeredBy(t, 6, "a", get) // weight 0 takes no new connection
		bb.Weight = registration.IntValue(3)
		mustUpdate(t, r.g, r.service(t, "", ba, bb))
		if w := r.servers(t)[b.addr()].UWeight; w != 3 {
			t.Errorf("b's weight %d in show servers state, want 3", w)
		}
		awaitAnswer(t, "b", get)
		r.checkNoReload(t, before)
	})

	t.Run("removal", func(t *testing.T) {
		mustUpdate(t, r.g, r.service(t, "", bb))
		hits := a.hits.Load()
		answeredBy(t, 6, "b", get)
		if n := a.hits.Load(); n != hits {
			t.Errorf("%d new connections reached the removed backend", n-hits)
		}
		r.awaitDeleted(t, a.addr())
		r.checkNoReload(t, before)
	})

	t.Run("forced reload", func(t *testing.T) {
		r.forceReload(t)
		answeredBy(t, 3, "b", get)
	})
}

// An HTTP backend with cookie persistence (a slot pool, by default),
// checked by real traffic: a new backend fills a slot and answers without
// a reload, each slot's cookie (the value synapse writes) routes to its
// backend, a weight change shows in "show servers state", a removed
// backend's slot goes to maintenance and gets no request even with its
// cookie, a newly filled slot's cookie routes to the new backend, and a
// forced reload keeps every slot.
func TestIntegrationTrafficSlots(t *testing.T) {
	h1, h2, h3 := startIdentityHTTP(t, "h1"), startIdentityHTTP(t, "h2"), startIdentityHTTP(t, "h3")
	r := startRealSetup(t)
	r.cfg.UseNerveWeights = true
	b1, b2 := h1.backend(), h2.backend()
	r.updateReloading(t, r.httpService(t, b1))
	before := r.mark(t)
	c1 := r.checkCookie(t, h1)

	mustUpdate(t, r.g, r.httpService(t, b1, b2))
	awaitAnswer(t, "h2", r.plainGet)
	c2 := r.checkCookie(t, h2)
	answeredBy(t, 4, "h1", r.cookieGet(c1))
	answeredBy(t, 4, "h2", r.cookieGet(c2))
	r.checkNoReload(t, before)

	t.Run("weight", func(t *testing.T) {
		b2.Weight = registration.IntValue(0)
		mustUpdate(t, r.g, r.httpService(t, b1, b2))
		if w := r.slotOf(t, h2).UWeight; w != 0 {
			t.Errorf("h2's weight %d in show servers state, want 0", w)
		}
		answeredBy(t, 6, "h1", r.plainGet)
		answeredBy(t, 2, "h2", r.cookieGet(c2)) // persistence outlives weight 0
		b2.Weight = registration.IntValue(1)
		mustUpdate(t, r.g, r.httpService(t, b1, b2))
		awaitAnswer(t, "h2", r.plainGet)
		r.checkNoReload(t, before)
	})

	t.Run("removal", func(t *testing.T) {
		slot := r.slotOf(t, h1).Name
		mustUpdate(t, r.g, r.httpService(t, b2))
		hits := h1.hits.Load()
		answeredBy(t, 6, "h2", r.plainGet)
		answeredBy(t, 3, "h2", r.cookieGet(c1))
		if n := h1.hits.Load(); n != hits {
			t.Errorf("%d requests reached the removed backend", n-hits)
		}
		if s := r.servers(t)[slot]; !s.AdminState.Maint() {
			t.Errorf("freed slot %s admin state %#x, want maintenance", slot, s.AdminState)
		}
		r.checkNoReload(t, before)
	})

	t.Run("refill", func(t *testing.T) {
		mustUpdate(t, r.g, r.httpService(t, b2, h3.backend()))
		awaitAnswer(t, "h3", r.plainGet)
		c3 := r.checkCookie(t, h3)
		if c3 == c1 || c3 == c2 {
			t.Errorf("h3 got cookie %q, which an earlier backend had", c3)
		}
		answeredBy(t, 3, "h3", r.cookieGet(c3))
		answeredBy(t, 3, "h2", r.cookieGet(c2))
		r.checkNoReload(t, before)
	})

	t.Run("forced reload", func(t *testing.T) {
		r.forceReload(t)
		answeredBy(t, 3, "h2", r.cookieGet(c2))
		answeredBy(t, 3, "h3", r.cookieGet(r.cookieOf(t, h3.addr())))
	})
}

func (r *realSetup) plainGet() (string, error) {
	name, _, err := r.httpGet("")
	return name, err
}

func (r *realSetup) cookieGet(cookie string) func() (string, error) {
	return func() (string, error) {
		name, _, err := r.httpGet(cookie)
		return name, err
	}
}

// checkCookie sends cookie-less requests until s answers one, and fails
// unless HAProxy set the cookie haproxy.cfg gives s's slot; it returns
// that cookie.
func (r *realSetup) checkCookie(t *testing.T, s *identity) string {
	t.Helper()
	want := r.cookieOf(t, s.addr())
	var set string
	awaitAnswer(t, s.name, func() (string, error) {
		name, c, err := r.httpGet("")
		set = c
		return name, err
	})
	if set != want {
		t.Errorf("%s answered with cookie %q, haproxy.cfg says %q", s.name, set, want)
	}
	return want
}

// slotOf is the running slot that holds s's address.
func (r *realSetup) slotOf(t *testing.T, s *identity) hapi.ServerState {
	t.Helper()
	for _, st := range r.servers(t) {
		if st.Addr == "127.0.0.1" && st.Port == s.port {
			return st
		}
	}
	t.Fatalf("no running slot holds %s", s.addr())
	return hapi.ServerState{}
}
