package haproxy

import "testing"

// ParseStatSummaryFunc gives ParseStatSummary's rows one at a time, and
// says when there were none to give.
func TestParseStatSummaryFunc(t *testing.T) {
	for _, in := range []string{
		readTestdata(t, "show_stat.csv"),
		"# pxname,svname,type,status\nbe,,2,UP\nbe,s1,x,UP\nbe,s2,2,UP\n",
		"# pxname,svname,type,status\nbe,,2,UP\n",
	} {
		want, wantErr := ParseStatSummary(in)
		var got []StatRow
		ok, err := ParseStatSummaryFunc(in, func(r StatRow) { got = append(got, r) })
		if !ok || (err == nil) != (wantErr == nil) || !sameSummary(got, want) {
			t.Errorf("rows %+v, %v, %v\nwant %+v, %v", got, ok, err, want, wantErr)
		}
	}
	called := false
	if ok, err := ParseStatSummaryFunc("pxname,svname\n", func(StatRow) { called = true }); ok || err == nil || called {
		t.Errorf("no header: ok %v, err %v, rows given %v; want not ok, an error, none", ok, err, called)
	}
}
