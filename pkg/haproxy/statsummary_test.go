package haproxy

import (
	"slices"
	"strings"
	"testing"
)

// summaryOf is the part of ParseStat's rows ParseStatSummary keeps.
func summaryOf(rows []StatRow) []StatRow {
	out := make([]StatRow, len(rows))
	for i, r := range rows {
		out[i] = StatRow{Proxy: r.Proxy, Server: r.Server, Type: r.Type, Status: r.Status}
	}
	return out
}

func sameSummary(a, b []StatRow) bool {
	return slices.EqualFunc(a, b, func(x, y StatRow) bool {
		return x.Proxy == y.Proxy && x.Server == y.Server && x.Type == y.Type && x.Status == y.Status
	})
}

func TestParseStatSummary(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"real output", readTestdata(t, "show_stat.csv")},
		{"quoted field", "# pxname,svname,status,type\n\"a,b\",s1,UP,2\nb,\"s\"\"2\",no check,2\n"},
		{"short line", "# pxname,svname,qcur,status,type\nbe,s1\n"},
		{"reordered columns", "# type,status,svname,pxname\n2,MAINT,s1,be\n1,UP,BACKEND,be\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := ParseStat(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseStatSummary(tc.in)
			if err != nil || !sameSummary(got, summaryOf(want)) {
				t.Fatalf("summary %+v, %v\nwant %+v", got, err, summaryOf(want))
			}
		})
	}
	rows, err := ParseStatSummary("# pxname,svname,type,status\nbe,,2,UP\nbe,s1,x,UP\nbe,s2,2,UP\n")
	if err == nil || len(rows) != 1 || rows[0].Server != "s2" {
		t.Fatalf("malformed lines: %+v, %v; want s2 alone and an error", rows, err)
	}
	if _, err := ParseStatSummary("pxname,svname\n"); err == nil {
		t.Fatal("no header accepted")
	}
}

// Wherever ParseStat reads every line without error, the summary is its
// four columns, line for line.
func FuzzParseStatSummary(f *testing.F) {
	f.Add(readTestdata(f, "show_stat.csv"))
	f.Add("# pxname,svname,status,type\n\"a,b\",s1,UP,2\n")
	f.Add("# type,svname,pxname\n1,x,y\n")
	f.Fuzz(func(t *testing.T, in string) {
		want, err := ParseStat(in)
		if err != nil {
			return
		}
		got, err := ParseStatSummary(in)
		if err != nil || !sameSummary(got, summaryOf(want)) {
			t.Fatalf("summary %+v, %v\nwant %+v", got, err, summaryOf(want))
		}
	})
}

// The testdata's rows 5,000 times: about synapse's scale benchmark.
func BenchmarkParseStat(b *testing.B) {
	header, rows, _ := strings.Cut(readTestdata(b, "show_stat.csv"), "\n")
	in := header + "\n" + strings.Repeat(rows, 5000)
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			_, _ = ParseStat(in)
		}
	})
	b.Run("summary", func(b *testing.B) {
		for b.Loop() {
			_, _ = ParseStatSummary(in)
		}
	})
}
