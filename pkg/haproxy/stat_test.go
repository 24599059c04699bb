package haproxy

import (
	"os"
	"testing"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseStatRealOutput(t *testing.T) {
	rows, err := ParseStat(readTestdata(t, "show_stat.csv"))
	if err != nil || len(rows) != 10 {
		t.Fatalf("%d rows, err %v; want 10 rows", len(rows), err)
	}
	byName := map[string]StatRow{}
	for _, r := range rows {
		byName[r.Proxy+"/"+r.Server] = r
	}
	tests := []struct {
		key    string
		check  func(StatRow) bool
		expect string
	}{
		{"web/FRONTEND", func(r StatRow) bool { return r.Type == TypeFrontend && r.Status == "OPEN" && r.SLim == 9985 }, "open frontend"},
		{"app/app1", func(r StatRow) bool {
			return r.Type == TypeServer && r.Status == "DOWN" && r.CheckStatus == "L4CON" && r.SID == 1
		}, "down by check"},
		{"app/app2", func(r StatRow) bool { return r.Status == "DRAIN" && r.Weight == 5 && r.UWeight == 5 }, "draining weight 5"},
		{"app/app3", func(r StatRow) bool { return r.Status == "MAINT" && r.Addr == "127.0.0.1:18183" }, "maint"},
		{"app/backup1", func(r StatRow) bool { return r.Status == "no check" && r.Bck == 1 && r.Act == 0 }, "backup"},
		{"app/dyn1", func(r StatRow) bool { return r.SID == 42 && r.UWeight == 7 && r.IID == 3 }, "dynamic id 42"},
		{"app/BACKEND", func(r StatRow) bool { v, _ := r.Field("algo"); return r.Type == TypeBackend && v == "roundrobin" }, "roundrobin backend"},
		{"empty/BACKEND", func(r StatRow) bool { return r.Type == TypeBackend && r.Weight == 0 }, "empty backend"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			r, ok := byName[tc.key]
			if !ok || !tc.check(r) {
				t.Fatalf("%s: status %q weight %d/%d sid %d type %v; want %s", tc.key, r.Status, r.Weight, r.UWeight, r.SID, r.Type, tc.expect)
			}
		})
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantRows   int
		wantErrors int // lines reported; -1: whole input rejected
		check      func(*testing.T, []StatRow)
	}{
		{"reordered and unknown columns", "# status,svname,future_col,pxname,weight,\nUP,s1,zz,be,3,\n", 1, 0,
			func(t *testing.T, rows []StatRow) {
				if r := rows[0]; r.Proxy != "be" || r.Server != "s1" || r.Status != "UP" || r.Weight != 3 {
					t.Fatalf("row = %+v", r)
				}
				if v, ok := rows[0].Field("future_col"); !ok || v != "zz" {
					t.Fatalf("future_col = %q, %v", v, ok)
				}
			}},
		{"quoted field with comma", "# pxname,svname,check_desc,status\nbe,s1,\"a, \"\"b\"\"\",UP\n", 1, 0,
			func(t *testing.T, rows []StatRow) {
				if v, _ := rows[0].Field("check_desc"); v != `a, "b"` || rows[0].Status != "UP" {
					t.Fatalf("row = %+v", rows[0])
				}
			}},
		{"short line keeps missing columns empty", "# pxname,svname,status,weight\nbe,s1\n", 1, 0, nil},
		{"malformed lines skipped", "# pxname,svname,weight\nbe,s1,1\nbe\nbe,s2,heavy\nbe,\"s3,1\n,s4,1\nbe,s5,2\n", 2, 4, nil},
		{"no header", "be,s1,1\n", 0, -1, nil},
		{"empty", "", 0, -1, nil},
		{"unknown command answer", "Unknown command\n", 0, -1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ParseStat(tc.in)
			if len(rows) != tc.wantRows || countParseErrors(err) != tc.wantErrors {
				t.Fatalf("%d rows, err %v; want %d rows, %d line errors", len(rows), err, tc.wantRows, tc.wantErrors)
			}
			if tc.check != nil {
				tc.check(t, rows)
			}
		})
	}
}

// countParseErrors counts the skipped lines in a parser's error: line
// errors come joined, a whole-input error (-1) comes alone.
func countParseErrors(err error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return -1
}
