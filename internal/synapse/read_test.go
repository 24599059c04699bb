package synapse

import (
	"log/slog"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

func filter(label, value, cond string) LabelFilter {
	return LabelFilter{Label: label, Value: registration.StringValue(value), Condition: cond}
}

// TestLabelFilters translates the original's label filter tests.
func TestLabelFilters(t *testing.T) {
	var (
		east1 = withLabels(be("e1", 1), "az", "us-east-1a", "region", "region1")
		east2 = withLabels(be("e2", 1), "az", "us-east-1a", "region", "region1")
		eastX = withLabels(be("ex", 1), "az", "us-east-1a", "region", "non-matching")
		b     = withLabels(be("b", 1), "az", "us-east-1b", "region", "region1")
		west  = withLabels(be("w", 1), "az", "us-west-1a")
		none  = be("none", 1)
		num   = func() registration.Backend {
			x := be("num", 1)
			x.Labels = registration.ObjectValue(registration.Member{Key: "az", Value: registration.IntValue(1)})
			return x
		}()
	)
	all := []registration.Backend{east1, east2, b, west, none}
	tests := []struct {
		name    string
		filters []LabelFilter
		in      []registration.Backend
		want    []registration.Backend
	}{
		{"equals", []LabelFilter{filter("az", "us-east-1a", Equals)}, all, []registration.Backend{east1, east2}},
		{"not-equals keeps unlabelled", []LabelFilter{filter("az", "us-east-1a", NotEquals)}, all,
			[]registration.Backend{b, west, none}},
		{"all filters must hold", []LabelFilter{filter("az", "us-east-1a", Equals), filter("region", "region1", Equals)},
			append(all, eastX), []registration.Backend{east1, east2}},
		{"no filters keep everything", nil, all, all},
		{"json types compare strictly", []LabelFilter{filter("az", "1", Equals)}, []registration.Backend{num}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newState(t, ServiceConfig{UsePreviousBackends: true, LabelFilters: tc.filters})
			if _, err := s.SetBackends(tc.in, nil); err != nil {
				t.Fatal(err)
			}
			if got := s.Backends(); !sameList(got, tc.want) {
				t.Fatalf("backends = %s, want %s", names(got), names(tc.want))
			}
			if len(s.Unfiltered()) != len(tc.in) {
				t.Fatalf("unfiltered = %d backends, want %d", len(s.Unfiltered()), len(tc.in))
			}
		})
	}
}

func TestLeaderElection(t *testing.T) {
	a, b, c := withID(be("a", 1), 7), withID(be("b", 1), 3), withID(be("c", 1), 5)
	tests := []struct {
		name    string
		filters []LabelFilter
		in      []registration.Backend
		want    []registration.Backend
		warn    string
	}{
		{"smallest id wins", nil, []registration.Backend{a, b, c}, []registration.Backend{b}, ""},
		{"first on a tie", nil, []registration.Backend{withID(be("x", 1), 3), b}, []registration.Backend{withID(be("x", 1), 3)}, ""},
		{"after label filters", []LabelFilter{filter("az", "z", Equals)},
			[]registration.Backend{b, withLabels(a, "az", "z")}, []registration.Backend{withLabels(a, "az", "z")}, ""},
		{"missing id elects nobody", nil, []registration.Backend{a, be("noid", 1)}, nil, "not all backends include an id"},
		{"no candidates elects nobody", []LabelFilter{filter("az", "z", Equals)},
			[]registration.Backend{a}, nil, "no backends to choose from"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &logRecorder{}
			clk := &fakeClock{t: time.Unix(1_000_000, 0)}
			s, err := NewServiceState("foo", ServiceConfig{LeaderElection: true, LabelFilters: tc.filters},
				StateOptions{Logger: slog.New(rec), Now: clk.now})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetBackends(tc.in, nil); err != nil {
				t.Fatal(err)
			}
			// The original's bug: within 30 s of a warning it returned every
			// backend. The result must be the same on every call.
			for i := range 3 {
				if got := s.Backends(); !sameList(got, tc.want) {
					t.Fatalf("call %d: backends = %s, want %s", i, names(got), names(tc.want))
				}
				clk.advance(10 * time.Second)
			}
			if tc.warn == "" {
				if n := rec.count("leader election failed"); n != 0 {
					t.Fatalf("%d warnings", n)
				}
				return
			}
			if n := rec.count(tc.warn); n != 1 {
				t.Fatalf("%d warnings within 30 s, want 1", n)
			}
			clk.advance(time.Second) // 31 s after the first warning
			s.Backends()
			if n := rec.count(tc.warn); n != 2 {
				t.Fatalf("%d warnings after 30 s, want 2", n)
			}
		})
	}
}

func TestLeaderElectionEmptyService(t *testing.T) {
	s, err := NewServiceState("foo", ServiceConfig{LeaderElection: true}, StateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Backends(); len(got) != 0 {
		t.Fatalf("backends = %s", names(got))
	}
}
