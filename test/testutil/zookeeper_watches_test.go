package testutil

import (
	"slices"
	"testing"
)

func TestParseWchc(t *testing.T) {
	out := "2 connections watching 3 paths\nTotal watches:3\n0x1000a\n\t/a\n\t/b\n0x2000b\n\t/c\n"
	tests := []struct {
		name    string
		session int64
		want    []string
	}{
		{"first", 0x1000a, []string{"/a", "/b"}},
		{"second", 0x2000b, []string{"/c"}},
		{"absent", 0x3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWchc(out, tt.session)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("parseWchc = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := parseWchc("wchc is not executed because it is not in the whitelist.\n", 1); err == nil {
		t.Fatal("refusal not reported")
	}
}
