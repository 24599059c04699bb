package plan

import (
	"reflect"
	"strings"
	"testing"
)

// A Config built from the lines as written equals the one read from the
// joined text, however the lines were grouped.
func TestBuilderMatchesSplit(t *testing.T) {
	elems := []string{"", "global", "\tdaemon", "defaults", "\tmode tcp", "\nlisten x\n\tbind :1",
		"\tserver u 1.1.1.1:1", "\nbackend b", "\tbalance roundrobin", "\tserver s1 h:1 id 1 disabled", "\tserver s2 h:2 id 2", ""}
	var b Builder
	b.Add(elems[:5]...)
	for _, e := range elems[5:] {
		b.Add(e)
	}
	got, want := b.Config(), Split(strings.Join(elems, "\n"))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("built %+v\nsplit %+v", got, want)
	}
	if len(want) != 5 || want[4].Title != "backend b" || !reflect.DeepEqual(want[4].Servers, []string{"server s1 h:1 id 1", "server s2 h:2 id 2"}) {
		t.Errorf("sections %+v", want)
	}
}

func TestSameRest(t *testing.T) {
	shared := &Section{Title: "backend b", Rest: []string{"backend b", "\tmode tcp"}}
	tests := []struct {
		name string
		a, b Config
		want bool
	}{
		{"both empty", nil, nil, true},
		{"shared section", Config{shared}, Config{shared}, true},
		{"split differently", Config{{Rest: []string{"a", "b"}}}, Config{{Rest: []string{"a"}}, {Rest: []string{"b"}}}, true},
		{"empty section between", Config{{Rest: []string{"a"}}, {}, {Rest: []string{"b"}}}, Config{{Rest: []string{"a", "b"}}}, true},
		{"line changed", Config{shared}, Config{{Rest: []string{"backend b", "\tmode http"}}}, false},
		{"line added", Config{shared}, Config{shared, {Rest: []string{""}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameRest(tt.a, tt.b); got != tt.want {
				t.Errorf("sameRest = %v, want %v", got, tt.want)
			}
			if got := sameRest(tt.b, tt.a); got != tt.want {
				t.Errorf("sameRest reversed = %v, want %v", got, tt.want)
			}
		})
	}
}
