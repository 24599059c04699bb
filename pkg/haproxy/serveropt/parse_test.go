package serveropt_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
)

func TestParseAccepts(t *testing.T) {
	for _, tc := range accepted {
		t.Run(tc.in, func(t *testing.T) {
			o, err := serveropt.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := o.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if got, want := o.Tokens(), strings.Fields(tc.want); !slices.Equal(got, want) {
				t.Errorf("Tokens() = %q, want %q", got, want)
			}
			err = o.CheckMode("tcp")
			if tc.http != (err != nil) {
				t.Errorf("CheckMode(tcp) = %v, want an error: %v", err, tc.http)
			}
			if err := o.CheckMode("http"); err != nil {
				t.Errorf("CheckMode(http) = %v", err)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			o, err := serveropt.Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want an error", tc.in, o.String())
			}
			var e *serveropt.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, want *serveropt.Error", err, err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
			if o.String() != "" {
				t.Errorf("refused options still carry %q", o.String())
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"32 words", strings.Repeat("check ", 32), true},
		{"33 words", strings.Repeat("check ", 33), false},
		{"512 bytes", "cookie " + strings.Repeat("a", 255) + " agent-send " + strings.Repeat("b", 238), true},
		{"513 bytes", "cookie " + strings.Repeat("a", 255) + " agent-send " + strings.Repeat("b", 239), false},
		{"256-byte cookie", "cookie " + strings.Repeat("a", 256), false},
		{"255-byte cookie", "cookie " + strings.Repeat("a", 255), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := serveropt.Parse(tc.in)
			if tc.ok != (err == nil) {
				t.Errorf("Parse(%d bytes) = %v, want ok %v", len(tc.in), err, tc.ok)
			}
		})
	}
}

func TestOptionsAccessors(t *testing.T) {
	o, err := serveropt.Parse("check id 5 inter 2s weight 10 backup weight 20")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kw       string
		has      bool
		arg      string
		hasValue bool
	}{
		{"check", true, "", false},
		{"id", true, "5", true},
		{"inter", true, "2s", true},
		{"weight", true, "20", true}, // the last, which HAProxy applies
		{"backup", true, "", false},
		{"fall", false, "", false},
		{"5", false, "", false}, // an argument is not a keyword
	} {
		t.Run(tc.kw, func(t *testing.T) {
			if got := o.Has(tc.kw); got != tc.has {
				t.Errorf("Has = %v, want %v", got, tc.has)
			}
			arg, ok := o.Arg(tc.kw)
			if arg != tc.arg || ok != tc.hasValue {
				t.Errorf("Arg = %q, %v; want %q, %v", arg, ok, tc.arg, tc.hasValue)
			}
		})
	}
	t.Run("Without", func(t *testing.T) {
		if got, want := o.Without("weight", "id").String(), "check inter 2s backup"; got != want {
			t.Errorf("Without = %q, want %q", got, want)
		}
		if got, want := o.String(), "check id 5 inter 2s weight 10 backup weight 20"; got != want {
			t.Errorf("Without changed the original: %q", got)
		}
	})
	t.Run("zero value", func(t *testing.T) {
		var z serveropt.Options
		if z.String() != "" || len(z.Tokens()) != 0 || z.Has("check") || z.CheckMode("tcp") != nil {
			t.Errorf("zero Options is not empty: %q", z.String())
		}
	})
}

func TestCheckModeNamesKeyword(t *testing.T) {
	o, err := serveropt.Parse("check redir http://x proto h2")
	if err != nil {
		t.Fatal(err)
	}
	err = o.CheckMode("tcp")
	var e *serveropt.Error
	if !errors.As(err, &e) || e.Keyword != "redir" {
		t.Fatalf("CheckMode(tcp) = %v, want an *Error naming redir", err)
	}
	want := `haproxy_server_options: "redir" needs a mode http backend, this one is mode "tcp"`
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
	o, err = serveropt.Parse("check observe layer7")
	if err != nil {
		t.Fatal(err)
	}
	want = `haproxy_server_options: "observe" with this value needs a mode http backend, this one is mode "tcp", got "layer7"`
	if err := o.CheckMode("tcp"); err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

func TestStaticOnly(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"check inter 2s weight 10 ssl verify none", ""},
		{"check cookie abc init-addr none", "cookie"},
		{"max-reuse 10", "max-reuse"},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			o, err := serveropt.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := o.StaticOnly(); got != tc.want {
				t.Errorf("StaticOnly() = %q, want %q", got, tc.want)
			}
		})
	}
}
