package render

import (
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// SameBody agrees with comparing the joined texts, header aside, whether
// the chunks come from the memo or are rendered afresh.
func TestSameBodyMatchesText(t *testing.T) {
	m := &memoInput{cfg: testConfig(), backends: map[string][]registration.Backend{}, revs: map[string]uint64{},
		configs: map[string]*ServiceConfig{"http": {}, "tcp": {Listen: []string{"mode tcp"}}}}
	m.set("http", 3)
	m.set("tcp", 3)
	memo := NewMemo()
	ids := ServerIDs{}
	clock := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	gen := func(memo *Memo) *Result {
		t.Helper()
		in := m.input(ids, memo)
		clock = clock.Add(time.Second) // a new header every time
		in.Time = clock
		res, err := Generate(in)
		if err != nil {
			t.Fatal(err)
		}
		ids = res.ServerIDs
		return res
	}
	check := func(step string, a, b *Result, want bool) {
		t.Helper()
		if got := a.SameBody(b); got != want {
			t.Errorf("%s: SameBody = %v, want %v", step, got, want)
		}
		a.Join()
		b.Join()
		if SameConfig(a.Text, b.Text) != want || a.Text == b.Text {
			t.Errorf("%s: texts same but for the header: %v, want %v", step, SameConfig(a.Text, b.Text), want)
		}
	}
	first := gen(memo)
	second := gen(memo)
	check("memo hits", second, first, true)
	check("rendered afresh", gen(nil), second, true)
	m.set("tcp", 4)
	third := gen(memo)
	check("tcp gained a backend", third, second, false)
	check("and back", second, third, false)
	delete(m.backends, "http")
	check("http gone", gen(memo), third, false)
	if (&Result{}).SameBody(third) || third.SameBody(&Result{}) {
		t.Error("a Result without lines is the same as one with")
	}
}
