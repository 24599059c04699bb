package nerve

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
)

func mustWorker(t *testing.T, spec ServiceSpec, e env) *worker {
	t.Helper()
	w, err := newWorker(spec, e, newServiceState(spec.Name), &liveWeight{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// The original's check_and_report rules, and what a failed ping or a gone node does.
func TestRound(t *testing.T) {
	for _, tc := range []struct {
		name      string
		checks    []bool
		mocked    bool
		setup     func(f *fakeReporter)
		preset    *bool // last reported state
		want      result
		wantCalls []string
	}{
		{name: "checks down", checks: []bool{false}, want: resultOK, wantCalls: []string{"ping", "down"}},
		{name: "checks up", checks: []bool{true}, want: resultOK, wantCalls: []string{"ping", "up"}},
		{name: "no checks is up", want: resultOK, wantCalls: []string{"ping", "up"}},
		{name: "mocked", checks: []bool{false}, mocked: true, want: resultOK, wantCalls: []string{"ping", "up"}},
		{name: "report down fails", checks: []bool{false}, setup: func(f *fakeReporter) { f.downErr = errors.New("x") },
			want: resultFail, wantCalls: []string{"ping", "down"}},
		{name: "report up fails", checks: []bool{true}, setup: func(f *fakeReporter) { f.upErr = errors.New("x") },
			want: resultFail, wantCalls: []string{"ping", "up"}},
		{name: "unchanged", checks: []bool{true}, preset: ptr(true), want: resultOK, wantCalls: []string{"ping"}},
		{name: "ping fails", checks: []bool{true}, preset: ptr(true), setup: func(f *fakeReporter) { f.pingErr = errPing },
			want: resultFail, wantCalls: []string{"ping"}},
		{name: "ping disconnected", checks: []bool{true}, preset: ptr(true), setup: func(f *fakeReporter) { f.pingErr = reporter.ErrNotConnected },
			want: resultDisconnected, wantCalls: []string{"ping"}},
		{name: "report up disconnected", checks: []bool{true}, setup: func(f *fakeReporter) { f.upErr = reporter.ErrNotConnected },
			want: resultDisconnected, wantCalls: []string{"ping", "up"}},
		{name: "gone reports again", checks: []bool{true}, preset: ptr(true), setup: func(f *fakeReporter) { f.pingErr = reporter.ErrGone },
			want: resultOK, wantCalls: []string{"ping", "up"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := newFakeReporter()
			if tc.setup != nil {
				tc.setup(rep)
			}
			var checks []*fakeCheck
			for _, ok := range tc.checks {
				checks = append(checks, newCheck(ok))
			}
			spec := specWith(rep, checks...)
			spec.CheckMocked = tc.mocked
			w := mustWorker(t, spec, testEnv())
			if tc.preset != nil {
				w.known, w.up = true, *tc.preset
			}
			if got := w.round(context.Background(), rep); got != tc.want {
				t.Errorf("result %v, want %v", got, tc.want)
			}
			if got := rep.calls; !equal(got, tc.wantCalls) {
				t.Errorf("calls %v, want %v", got, tc.wantCalls)
			}
			if tc.mocked && checks[0].runs.Load() != 0 {
				t.Error("mocked service ran its checks")
			}
			if (tc.name == "ping fails" || tc.name == "ping disconnected") && checks[0].runs.Load() != 0 {
				t.Error("checks ran after a failed ping")
			}
			if tc.want == resultDisconnected && w.known {
				t.Error("a disconnected round left a reported state; the next round would not report again")
			}
		})
	}
}

// The first down check short-circuits the rest.
func TestShortCircuit(t *testing.T) {
	rep := newFakeReporter()
	a, b, c := newCheck(true), newCheck(false), newCheck(true)
	w := mustWorker(t, specWith(rep, a, b, c), testEnv())
	w.round(context.Background(), rep)
	if a.runs.Load() != 1 || b.runs.Load() != 1 || c.runs.Load() != 0 {
		t.Fatalf("runs a=%d b=%d c=%d, want 1 1 0", a.runs.Load(), b.runs.Load(), c.runs.Load())
	}
}

func limited(shadow bool) *RateLimit {
	return &RateLimit{ShadowMode: shadow, AverageRate: 10, MaxBurst: 100}
}

// The limiter only acts on changes; throttled rounds
// report nothing and leave the failure counter alone unless in shadow mode.
func TestRoundRateLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shadow bool
		flap   bool
		want   result
	}{
		{"flapping throttled", false, true, resultThrottled},
		{"stable not throttled", false, false, resultOK},
		{"shadow mode reports", true, true, resultOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &frozenClock{t: time.Unix(1e6, 0)}
			e := testEnv()
			e.now = clk.now
			rep := newFakeReporter()
			chk := newCheck(true)
			spec := specWith(rep, chk)
			spec.RateLimit = limited(tc.shadow)
			w := mustWorker(t, spec, e)
			r := rand.New(rand.NewPCG(1, 2))
			for range 101 {
				if tc.flap {
					chk.ok.Store(r.IntN(2) == 0)
				}
				w.round(context.Background(), rep)
			}
			w.known, w.up = true, !chk.ok.Load() // force a change
			pings, reports := rep.count("ping"), rep.count("up")+rep.count("down")
			if got := w.round(context.Background(), rep); got != tc.want {
				t.Fatalf("result %v, want %v", got, tc.want)
			}
			if rep.count("ping") != pings+1 {
				t.Error("round did not ping")
			}
			reported := rep.count("up")+rep.count("down") > reports
			if reported != (tc.want == resultOK) {
				t.Errorf("reported=%v with result %v", reported, tc.want)
			}
			if tc.want == resultThrottled {
				clk.add(time.Minute)
				if got := w.round(context.Background(), rep); got != resultOK {
					t.Fatalf("after a minute: result %v, want ok", got)
				}
			}
		})
	}
}

// Failed pings never count as throttled.
func TestPingFailuresNeverThrottled(t *testing.T) {
	rep := newFakeReporter()
	rep.pingErr = errPing
	spec := specWith(rep, newCheck(true))
	spec.RateLimit = limited(false)
	w := mustWorker(t, spec, testEnv())
	for i := range 102 {
		if got := w.round(context.Background(), rep); got != resultFail {
			t.Fatalf("round %d: %v", i, got)
		}
	}
	if rep.count("up") != 0 {
		t.Fatal("reported despite failed pings")
	}
}

var errPing = errors.New("ping: no auth")

func ptr[T any](v T) *T { return &v }

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Checks with timeout 0 ("no limit") get no per-check deadline, only the
// round's safety deadline.
func TestRoundTimeoutZeroCheckTimeout(t *testing.T) {
	spec := specWith(newFakeReporter(), newCheck(true), newCheck(true))
	w := mustWorker(t, spec, testEnv())
	if got := w.roundTimeout(); got != roundSafety {
		t.Fatalf("round timeout %s, want the %s safety deadline", got, roundSafety)
	}
	w.spec.Checks[0].Timeout = time.Second
	if got := w.roundTimeout(); got != roundSafety+time.Second {
		t.Fatalf("round timeout %s, want %s", got, roundSafety+time.Second)
	}
}
