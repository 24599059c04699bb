package labelfilter

import (
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

func TestKeep(t *testing.T) {
	az := func(host, v string) registration.Backend {
		return registration.Backend{Host: host, Labels: registration.ObjectValue(registration.Member{Key: "az", Value: registration.StringValue(v)})}
	}
	all := []registration.Backend{az("a1", "a"), {Host: "none"}, az("b1", "b"), az("a2", "a")}
	tests := []struct {
		name    string
		filters []Filter
		want    []string
	}{
		{"no filters", nil, []string{"a1", "none", "b1", "a2"}},
		{"equals", []Filter{{Label: "az", Value: registration.StringValue("a"), Condition: Equals}}, []string{"a1", "a2"}},
		{"not-equals keeps unlabelled", []Filter{{Label: "az", Value: registration.StringValue("a"), Condition: NotEquals}}, []string{"none", "b1"}},
		{"all must hold", []Filter{
			{Label: "az", Value: registration.StringValue("a"), Condition: NotEquals},
			{Label: "az", Value: registration.StringValue("b"), Condition: NotEquals},
		}, []string{"none"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, b := range Keep(tc.filters, all) {
				got = append(got, b.Host)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Keep = %v, want %v", got, tc.want)
			}
		})
	}
}
