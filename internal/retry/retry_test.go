package retry

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
)

// fakeClock advances by the slept duration plus perAttempt on each Sleep,
// and records what was slept.
type fakeClock struct {
	now    time.Time
	slept  []time.Duration
	cancel context.CancelFunc // when set, called on the first Sleep
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	if c.cancel != nil {
		c.cancel()
	}
	return ctx.Err()
}

var errBoom = errors.New("boom")

// failing returns fn failing the first n attempts with err, counting calls.
func failing(n int, err error, calls *int) func(context.Context, int) error {
	return func(_ context.Context, attempt int) error {
		*calls++
		if attempt != *calls {
			panic("attempt numbers must count from 1")
		}
		if attempt <= n {
			return err
		}
		return nil
	}
}

func TestDo(t *testing.T) {
	three := Policy{MaxAttempts: 3, MaxDelay: time.Hour}
	onlyEOF := func(err error) bool { return errors.Is(err, io.EOF) }
	tests := []struct {
		name      string
		policy    Policy
		retriable func(error) bool
		fails     int
		err       error // what fn fails with
		wantErr   error
		wantCalls int
	}{
		{"defaults succeed", Default(), nil, 0, errBoom, nil, 1},
		{"defaults always failing", Default(), nil, 99, errBoom, errBoom, 1},
		{"three attempts, two failures", three, nil, 2, errBoom, nil, 3},
		{"three attempts, always failing", three, nil, 99, errBoom, errBoom, 3},
		{"max_delay 0 stops after one", Policy{MaxAttempts: 3}, nil, 99, errBoom, errBoom, 1},
		{"non-retriable fails at once", three, onlyEOF, 99, errBoom, errBoom, 1},
		{"retriable twice then success", three, onlyEOF, 2, io.EOF, nil, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			clk := &fakeClock{now: time.Unix(1000, 0)}
			opts := Options{Retriable: tc.retriable, Clock: clk, Rand: func() float64 { return 0 }}
			err := Do(t.Context(), tc.policy, opts, failing(tc.fails, tc.err, &calls))
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if calls != tc.wantCalls {
				t.Fatalf("calls = %d, want %d", calls, tc.wantCalls)
			}
		})
	}
}

func TestDoArgumentErrors(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		nilFn  bool
		msg    string
	}{
		{"max_attempts -1", Policy{MaxAttempts: -1}, false, "max_attempts must be greater than 0"},
		{"max_attempts 0", Policy{}, false, "max_attempts must be greater than 0"},
		{"base_interval -1", Policy{MaxAttempts: 1, BaseInterval: -time.Second}, false, "base_interval cannot be negative"},
		{"max_interval -1", Policy{MaxAttempts: 1, MaxInterval: -time.Second}, false, "max_interval cannot be negative"},
		{"base > max", Policy{MaxAttempts: 1, BaseInterval: 5 * time.Second, MaxInterval: 3 * time.Second}, false,
			"base_interval cannot be greater than max_interval"},
		{"no callback", Default(), true, "callback cannot be nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			fn := failing(0, nil, &calls)
			if tc.nilFn {
				fn = nil
			}
			err := Do(t.Context(), tc.policy, Options{}, fn)
			if !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %q", err, tc.msg)
			}
			if calls != 0 {
				t.Fatalf("calls = %d, want 0", calls)
			}
		})
	}
}

func TestInterval(t *testing.T) {
	p := Policy{MaxAttempts: 10, BaseInterval: time.Second, MaxInterval: 10 * time.Second}
	tests := []struct {
		n        int
		min, max time.Duration // inclusive bounds over u in [0.5, 1)
	}{
		{1, time.Second, time.Second},
		{2, time.Second, 2 * time.Second},
		{3, 2 * time.Second, 4 * time.Second},
		{4, 4 * time.Second, 8 * time.Second},
		{5, 8 * time.Second, 10 * time.Second},
		{6, 10 * time.Second, 10 * time.Second},
		{2000, 10 * time.Second, 10 * time.Second}, // no overflow
	}
	for _, tc := range tests {
		for _, u := range []float64{0.5, 0.75, 0.999999} {
			got := p.Interval(tc.n, u)
			if got < tc.min || got > tc.max {
				t.Errorf("Interval(%d, %v) = %v, want in [%v, %v]", tc.n, u, got, tc.min, tc.max)
			}
		}
	}
	if got := (Policy{MaxAttempts: 1}).Interval(3, 0.7); got != 0 {
		t.Errorf("zero policy interval = %v, want 0", got)
	}
}

func TestDoSleepsWithJitterAndObserves(t *testing.T) {
	p := Policy{MaxAttempts: 4, MaxDelay: time.Hour, BaseInterval: time.Second, MaxInterval: 10 * time.Second}
	clk := &fakeClock{}
	var seen []Outcome
	opts := Options{Clock: clk, Rand: func() float64 { return 0.5 }, Observe: func(o Outcome) { seen = append(seen, o) }}
	calls := 0
	err := Do(t.Context(), p, opts, failing(99, errBoom, &calls))
	if !errors.Is(err, errBoom) || calls != 4 {
		t.Fatalf("err = %v, calls = %d", err, calls)
	}
	// u = 0.5·(1+0.5) = 0.75: 1 s·0.75 → floor 1 s; 2 s·0.75; 4 s·0.75.
	want := []time.Duration{time.Second, 1500 * time.Millisecond, 3 * time.Second}
	if len(clk.slept) != len(want) {
		t.Fatalf("slept %v, want %v", clk.slept, want)
	}
	for i := range want {
		if clk.slept[i] != want[i] {
			t.Fatalf("slept %v, want %v", clk.slept, want)
		}
	}
	wantSeen := []Outcome{RetryAfterSleep, RetryAfterSleep, RetryAfterSleep, RaiseMaxAttempts}
	if strings.Join(outcomes(seen), ",") != strings.Join(outcomes(wantSeen), ",") {
		t.Fatalf("outcomes %v, want %v", seen, wantSeen)
	}
}

func outcomes(os []Outcome) []string {
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = string(o)
	}
	return s
}

func TestDoStopsAtMaxDelay(t *testing.T) {
	// Sleeps of 1 s, 2 s, 4 s reach max_delay 5 s after the third failure.
	p := Policy{MaxAttempts: 100, MaxDelay: 5 * time.Second, BaseInterval: time.Second, MaxInterval: time.Minute}
	var last Outcome
	opts := Options{Clock: &fakeClock{}, Rand: func() float64 { return 0.999999 }, Observe: func(o Outcome) { last = o }}
	calls := 0
	err := Do(t.Context(), p, opts, failing(99, errBoom, &calls))
	if !errors.Is(err, errBoom) || calls != 4 || last != RaiseMaxDelay {
		t.Fatalf("err = %v, calls = %d, last = %s", err, calls, last)
	}
}

func TestDoContext(t *testing.T) {
	t.Run("cancel during sleep", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		clk := &fakeClock{cancel: cancel}
		p := Policy{MaxAttempts: 5, MaxDelay: time.Hour, BaseInterval: time.Second, MaxInterval: time.Second}
		calls := 0
		err := Do(ctx, p, Options{Clock: clk}, failing(99, errBoom, &calls))
		if !errors.Is(err, context.Canceled) || !errors.Is(err, errBoom) || calls != 1 {
			t.Fatalf("err = %v, calls = %d", err, calls)
		}
	})
	t.Run("cancelled before the first attempt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		calls := 0
		err := Do(ctx, Default(), Options{}, failing(0, nil, &calls))
		if !errors.Is(err, context.Canceled) || calls != 0 {
			t.Fatalf("err = %v, calls = %d", err, calls)
		}
	})
	t.Run("real clock sleep honours cancel", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := (realClock{}).Sleep(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("sleep ignored the context")
		}
		if err := (realClock{}).Sleep(t.Context(), time.Millisecond); err != nil {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestConfigRoundTrip(t *testing.T) {
	c := ConfigOf(Policy{MaxAttempts: 10, MaxDelay: 600 * time.Second, BaseInterval: 500 * time.Millisecond, MaxInterval: time.Minute})
	if _, err := config.Decode("t.yaml", []byte("max_attempts: 3\nbase_interval: 0.25\n"), &c); err != nil {
		t.Fatal(err)
	}
	want := Policy{MaxAttempts: 3, MaxDelay: 600 * time.Second, BaseInterval: 250 * time.Millisecond, MaxInterval: time.Minute}
	if got := c.Policy(); got != want {
		t.Fatalf("Policy() = %+v, want %+v", got, want)
	}
}
