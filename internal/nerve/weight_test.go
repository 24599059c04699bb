package nerve

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestRampSteps(t *testing.T) {
	for _, tc := range []struct {
		target int
		ramp   time.Duration
		want   string // weight@offset
	}{
		{100, 0, "100@0s"},
		{0, time.Minute, "0@0s"},
		{1, time.Minute, "1@0s"},
		{2, 12 * time.Second, "1@0s 2@11s"},
		{100, 60 * time.Second, "1@0s 2@15s 3@20s 4@25s 6@30s 10@35s 15@40s 24@45s 39@50s 62@55s 100@1m0s"},
		{256, 12 * time.Second, "1@0s 2@1s 3@2s 4@3s 6@4s 9@5s 15@6s 24@7s 38@8s 61@9s 98@10s 159@11s 256@12s"},
	} {
		t.Run(fmt.Sprintf("%d over %s", tc.target, tc.ramp), func(t *testing.T) {
			var got []string
			for _, s := range rampSteps(tc.target, tc.ramp) {
				got = append(got, fmt.Sprintf("%d@%s", s.Weight, s.At))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("steps = %s\nwant    %s", strings.Join(got, " "), tc.want)
			}
		})
	}
}

func TestLiveWeightAt(t *testing.T) {
	start := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	var l liveWeight
	if ws := l.at(start); ws.Set || ws.effective(nil) != nil || *ws.effective(intRef(7)) != 7 {
		t.Fatalf("unset: %+v", ws)
	}
	l.setTarget(100, time.Minute, start)
	for _, tc := range []struct {
		after     time.Duration
		cur, step int
		next      time.Duration
	}{
		{0, 1, 1, 15 * time.Second},
		{16 * time.Second, 2, 2, 4 * time.Second},
		{59 * time.Second, 62, 10, time.Second},
		{time.Minute, 100, 11, 0},
		{time.Hour, 100, 11, 0},
	} {
		ws := l.at(start.Add(tc.after))
		if ws.Current != tc.cur || ws.Step != tc.step || ws.Steps != 11 || ws.Next != tc.next || ws.Target != 100 ||
			!ws.Ends.Equal(start.Add(time.Minute)) || *ws.effective(intRef(5)) != tc.cur {
			t.Errorf("after %s: %+v, want current %d step %d next %s", tc.after, ws, tc.cur, tc.step, tc.next)
		}
	}
	l.reset()
	if ws := l.at(start); ws.Set || *ws.effective(intRef(5)) != 5 {
		t.Errorf("after reset: %+v", ws)
	}
}

func intRef(v int) *int { return &v }

// SetPayload makes the fake an Updater: it records the weights it is given.
func (f *fakeReporter) SetPayload(_ context.Context, p []byte) error {
	f.record("payload " + string(p))
	return nil
}

var _ reporter.Updater = (*fakeReporter)(nil)

// payloads are the weights the reporter was given, in order.
func (f *fakeReporter) payloads() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if w, ok := strings.CutPrefix(c, "payload "); ok {
			out = append(out, w)
		}
	}
	return out
}

func weightSpec(f *fleet, name, fp string, configured *int) ServiceSpec {
	s := f.spec(name, fp)
	s.Weight = configured
	s.Payload = func(w *int) ([]byte, error) { return []byte(fmt.Sprint(fmtWeight(w))), nil }
	return s
}

// A live weight ramps on the daemon's clock, one payload per step, the
// registration staying up; "config" returns to the configured weight;
// unknown services and "all" are refused with the known names.
func TestDaemonWeightRamp(t *testing.T) {
	clock := &frozenClock{t: time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)}
	f := &fleet{reps: map[string][]*fakeReporter{}}
	td := startDaemon(t, services(weightSpec(f, "a", "1", intRef(10)), weightSpec(f, "b", "1", nil)), func(o *Options) { o.Clock = clock.now })
	want(t, f, "a@1 b@1")
	rep := f.reps["a@1"][0]

	ends, conf, err := td.d.SetWeight("a", intRef(100), time.Minute)
	if err != nil || *conf != 10 || !ends.Equal(clock.now().Add(time.Minute)) {
		t.Fatalf("SetWeight = %s, %v, %v", ends, conf, err)
	}
	waitPayloads(t, rep, "1")
	clock.add(10 * time.Second)
	for _, step := range []string{"1", "2", "3", "4", "6", "10", "15", "24", "39", "62", "100"} {
		waitPayloads(t, rep, step)
		clock.add(5 * time.Second)
	}
	// The configured weight first, then each step once.
	if got := rep.payloads(); !slices.Equal(got, []string{"10", "1", "2", "3", "4", "6", "10", "15", "24", "39", "62", "100"}) {
		t.Errorf("payloads %v", got)
	}
	if rep.count("down") != 0 || !rep.isRegistered() {
		t.Errorf("the registration went down during the ramp: %v", rep.calls)
	}
	st := td.d.Status()[0].Weight
	if !st.Live || *st.Target != 100 || *st.Registered != 100 || *st.Configured != 10 || st.Step != 11 || st.Steps != 11 {
		t.Errorf("status weight %+v", st)
	}

	if _, _, err := td.d.SetWeight("a", nil, 0); err != nil {
		t.Fatal(err)
	}
	waitPayloads(t, rep, "10")
	if st := td.d.Status()[0].Weight; st.Live || st.Target != nil || *st.Registered != 10 {
		t.Errorf("after reset: %+v", st)
	}

	if _, _, err := td.d.SetWeight("b", intRef(0), 0); err != nil {
		t.Fatal(err)
	}
	waitPayloads(t, f.reps["b@1"][0], "0")
	for _, svc := range []string{"c", "all"} {
		if _, _, err := td.d.SetWeight(svc, intRef(1), 0); err == nil || !strings.Contains(err.Error(), "known: a, b") {
			t.Errorf("SetWeight(%s) = %v", svc, err)
		}
	}
}

// The live weight survives a worker restart and an unchanged reload; a
// reload that changes the service returns to the configured weight.
func TestDaemonWeightAcrossReload(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	td := startDaemon(t, services(weightSpec(f, "a", "1", intRef(10))), nil)
	want(t, f, "a@1")
	if _, _, err := td.d.SetWeight("a", intRef(42), 0); err != nil {
		t.Fatal(err)
	}
	waitPayloads(t, f.reps["a@1"][0], "42")
	td.load(services(weightSpec(f, "a", "1", intRef(10))), nil) // same fingerprint
	testutil.Eventually(t, 5*time.Second, func() error {
		if w := td.d.Status()[0].Weight; !w.Live || *w.Registered != 42 {
			return fmt.Errorf("after an unchanged reload: %+v", w)
		}
		return nil
	})
	changed := weightSpec(f, "a", "2", intRef(20))
	td.load(services(changed), nil)
	want(t, f, "a@2")
	waitPayloads(t, f.reps["a@2"][0], "20")
	if w := td.d.Status()[0].Weight; w.Live || *w.Configured != 20 {
		t.Errorf("after a changed reload: %+v", w)
	}
}

func waitPayloads(t *testing.T, rep *fakeReporter, last string) {
	t.Helper()
	testutil.Eventually(t, 5*time.Second, func() error {
		if p := rep.payloads(); len(p) == 0 || p[len(p)-1] != last {
			return fmt.Errorf("payloads %v, want the last to be %s", p, last)
		}
		return nil
	})
}
