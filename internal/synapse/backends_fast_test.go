package synapse

import (
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// TestDuplicateKeysAgree checks that the struct keys hasDuplicates uses
// for usual backends find the same duplicates as dedupeKey's text.
func TestDuplicateKeysAgree(t *testing.T) {
	b := func(host string, port registration.Port, name registration.Value) registration.Backend {
		return registration.Backend{Host: host, Port: port, Name: name}
	}
	n3000, s3000 := registration.NumberPort(3000), registration.StringPort("3000")
	cases := map[string][]registration.Backend{
		"distinct":          {b("h", n3000, registration.StringValue("a")), b("h", n3000, registration.StringValue("b"))},
		"same":              {b("h", n3000, registration.StringValue("a")), b("h", n3000, registration.StringValue("a"))},
		"port types differ": {b("h", n3000, registration.Value{}), b("h", s3000, registration.Value{})},
		"absent, null, \"\"": {b("h", n3000, registration.Value{}), b("h", n3000, registration.NullValue()),
			b("h", n3000, registration.StringValue(""))},
		"hosts differ":  {b("a", n3000, registration.Value{}), b("b", n3000, registration.Value{})},
		"no port":       {b("h", registration.Port{}, registration.Value{}), b("h", registration.Port{}, registration.Value{})},
		"invalid UTF-8": {b("h", n3000, registration.StringValue("\xff")), b("h", n3000, registration.StringValue("\xfe"))},
		"number name":   {b("h", n3000, registration.IntValue(1)), b("h", n3000, registration.IntValue(1))},
	}
	for name, bs := range cases {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			want := false
			for _, x := range bs {
				want = want || seen[dedupeKey(x)]
				seen[dedupeKey(x)] = true
			}
			if got := hasDuplicates(bs); got != want {
				t.Errorf("hasDuplicates = %v, dedupeKey says %v", got, want)
			}
		})
	}
}
