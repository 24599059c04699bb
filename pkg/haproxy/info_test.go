package haproxy

import "testing"

func TestParseInfoRealOutput(t *testing.T) {
	info, err := ParseInfo(readTestdata(t, "show_info.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "HAProxy" || info.PID != 25234 || info.Version.Raw != "2.6.12-1+deb12u3" ||
		info.Version.Major != 2 || info.Version.Minor != 6 || info.Version.Patch != 12 || info.Raw["Nbthread"] != "2" {
		t.Fatalf("info = %+v", info)
	}
}

func TestParseInfoReportsProblems(t *testing.T) {
	tests := []struct {
		name, in string
		wantPID  int
	}{
		{"no version", "Name: HAProxy\nPid: 3\n", 3},
		{"bad pid", "Version: 2.6.1\nPid: x\n", 0},
		{"junk line kept apart", "Version: 2.6.1\nPid: 9\njunk\n", 9},
		{"error answer", "Unknown command\n", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := ParseInfo(tc.in)
			if err == nil || info.PID != tc.wantPID {
				t.Fatalf("info = %+v, err %v; want pid %d and an error", info, err, tc.wantPID)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in                  string
		major, minor, patch int
		ok                  bool
	}{
		{"2.6.12-1+deb12u3", 2, 6, 12, true},
		{"2.5-dev13", 2, 5, 0, true},
		{"3.0.0", 3, 0, 0, true},
		{"1.8", 1, 8, 0, true},
		{"2.9.1.4", 2, 9, 1, true},
		{"2", 0, 0, 0, false},
		{"", 0, 0, 0, false},
		{"x.y", 0, 0, 0, false},
		{"2..6", 0, 0, 0, false},
		{"99999999999999999999.1", 0, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			v, err := ParseVersion(tc.in)
			if (err == nil) != tc.ok || v.Major != tc.major || v.Minor != tc.minor || v.Patch != tc.patch {
				t.Fatalf("ParseVersion = %+v, %v", v, err)
			}
			if tc.ok && v.String() != tc.in {
				t.Fatalf("String() = %q, want the raw text", v.String())
			}
		})
	}
}

func TestVersionCompare(t *testing.T) {
	v26 := Version{Major: 2, Minor: 6, Patch: 12}
	tests := []struct {
		name      string
		got, want bool
	}{
		{"2.6 >= 2.4", v26.AtLeast(2, 4), true},
		{"2.6 >= 2.6", v26.AtLeast(2, 6), true},
		{"2.6 >= 2.7", v26.AtLeast(2, 7), false},
		{"2.6 >= 3.0", v26.AtLeast(3, 0), false},
		{"patch counts", v26.Compare(Version{Major: 2, Minor: 6, Patch: 13}) < 0, true},
		{"raw ignored", v26.Compare(Version{Major: 2, Minor: 6, Patch: 12, Raw: "x"}) == 0, true},
		{"String without raw", v26.String() == "2.6.12", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}
