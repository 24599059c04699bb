package render

import (
	"slices"
	"testing"
)

func TestAllowed(t *testing.T) {
	tests := []struct {
		section, line string
		want          bool
	}{
		{"frontend", "bind :80", true},
		{"frontend", "  OPTION\t  HTTPLOG ", true},
		{"frontend", "server a 1.1.1.1:1", false},
		{"backend", "server a 1.1.1.1:1", true},
		{"backend", "log-format %ci", true}, // the original's plain prefix test
		{"backend", "use_backend x", false},
		{"frontend", "http-check send meth GET", false},
		{"backend", "http-check send meth GET", true},
		{"backend", "http-check connect", true},
		{"frontend", "http-after-response set-header a b", true},
		{"backend", "http-after-response set-header a b", true},
		{"frontend", "option http-restrict-req-hdr-names delete", true},
		{"backend", "option http-restrict-req-hdr-names reject", true},
		{"backend", "retry-on all-retryable-errors", true},
		{"frontend", "tcp-request session accept", true},
		{"backend", "tcp-request session accept", false},
		{"frontend", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.section+"/"+tt.line, func(t *testing.T) {
			if got := Allowed(tt.section, tt.line); got != tt.want {
				t.Errorf("Allowed(%q, %q) = %v", tt.section, tt.line, got)
			}
		})
	}
}

func TestOriginalListsKept(t *testing.T) {
	// Sizes of the original SECTION_FIELDS lists without their duplicates.
	if len(frontendFields15) != 148 || len(backendFields15) != 194 {
		t.Errorf("list sizes %d/%d, want 148/194", len(frontendFields15), len(backendFields15))
	}
	for _, list := range [][]string{frontendFields15, backendFields15, frontendFields2x, backendFields2x} {
		for _, p := range list {
			if normalize(p) != p {
				t.Errorf("prefix %q is not in normal form", p)
			}
		}
	}
}

func TestSplitDirectives(t *testing.T) {
	c := &ServiceConfig{
		Frontend: []string{"option httplog", "server nope 1.1.1.1:1"},
		Backend:  []string{"balance roundrobin"},
		Listen:   []string{"mode http", "option httpchk /health", "timeout client 5s", "bogus line"},
	}
	fe, be, dropped := SplitDirectives("svc", c)
	wantFE := []string{"option httplog", "mode http", "timeout client 5s"}
	wantBE := []string{"balance roundrobin", "mode http", "option httpchk /health"}
	if !slices.Equal(fe, wantFE) || !slices.Equal(be, wantBE) {
		t.Errorf("frontend %q backend %q, want %q %q", fe, be, wantFE, wantBE)
	}
	want := []Dropped{
		{Service: "svc", Section: "frontend", Line: "server nope 1.1.1.1:1"},
		{Service: "svc", Section: "listen", Line: "bogus line"},
	}
	if !slices.Equal(dropped, want) {
		t.Errorf("dropped %v, want %v", dropped, want)
	}
	if got := dropped[0].String(); got != "service svc contains invalid frontend setting: 'server nope 1.1.1.1:1', discarding" {
		t.Errorf("warning = %q", got)
	}
	if len(c.Frontend) != 2 {
		t.Error("SplitDirectives changed its input")
	}
}
