package check

import (
	"fmt"
	"testing"
)

func TestFilter(t *testing.T) {
	tests := []struct {
		name       string
		rise, fall int
		raw        string // T/F per round
		want       string
	}{
		// rise 3, fall 2: the first result is taken, then the windows decide.
		{"worked example", 3, 2, "FTTTFF", "FFFTTF"},
		{"first result adopted", 3, 3, "TFF", "TTT"},
		{"rise 1 fall 1 follows raw", 1, 1, "TFTF", "TFTF"},
		{"fall 2 needs two failures", 1, 2, "TFTFF", "TTTTF"},
		{"rise 0 never comes back up", 0, 1, "TFT", "TFF"},
		{"fall 0 goes down then rise puts it up", 1, 0, "FTF", "FTF"},
		{"fall 0 rise 0 always down after first", 0, 0, "TTT", "TFF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFilter(tc.rise, tc.fall)
			got := ""
			for _, r := range tc.raw {
				up, _ := f.Observe(r == 'T')
				got += map[bool]string{true: "T", false: "F"}[up]
			}
			if got != tc.want {
				t.Fatalf("rise %d fall %d raw %s: got %s, want %s", tc.rise, tc.fall, tc.raw, got, tc.want)
			}
		})
	}
}

func TestFilterChanged(t *testing.T) {
	f := NewFilter(1, 1)
	var changes []string
	for _, r := range []bool{true, true, false, false, true} {
		up, changed := f.Observe(r)
		changes = append(changes, fmt.Sprintf("%v/%v", up, changed))
	}
	want := "[true/true true/false false/true false/false true/true]"
	if got := fmt.Sprint(changes); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestNewUnknownType(t *testing.T) {
	_, err := New(Common{Type: "nope"}, nil)
	if err == nil {
		t.Fatal("want an error for an unknown type")
	}
	want := `unknown check type "nope"; valid types: base, noop`
	if err.Error() != want {
		t.Fatalf("got %q, want %q", err, want)
	}
}
