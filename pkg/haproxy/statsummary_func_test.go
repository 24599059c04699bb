package haproxy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

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

// ShowStatSummaryFunc reads the answer as it arrives and gives the same
// rows and errors as Run and ParseStatSummaryFunc; an error answer is a
// *CommandError and gives no row.
func TestShowStatSummaryFunc(t *testing.T) {
	var big strings.Builder
	big.WriteString("# pxname,svname,qcur,type,status\n")
	for i := range 20000 { // well past the reader's 64 KiB buffer
		fmt.Fprintf(&big, "be%d,s%d,0,2,UP\n", i%7, i)
	}
	for name, tc := range map[string]struct {
		answer  string
		ok, err bool
	}{
		"testdata":      {answer: readTestdata(t, "show_stat.csv"), ok: true},
		"large":         {answer: big.String(), ok: true},
		"skipped lines": {answer: "# pxname,svname,type,status\nbe,,2,UP\nbe,s1,x,UP\nbe,s2,2,UP\n", ok: true, err: true},
		"no last LF":    {answer: "# pxname,svname,type,status\nbe,s2,2,UP", ok: true},
		"no header":     {answer: "pxname,svname\n", err: true},
		"empty":         {answer: "", err: true},
		"error answer":  {answer: "Unknown command. Please enter one of the following commands only :\n  help\n", err: true},
	} {
		t.Run(name, func(t *testing.T) {
			sock := newFakeSocket(t, func(string) string { return tc.answer })
			var got []StatRow
			ok, err := New(sock.path).ShowStatSummaryFunc(t.Context(), func(r StatRow) { got = append(got, r) })
			if ok != tc.ok || (err != nil) != tc.err {
				t.Fatalf("ok %v, err %v; want ok %v, an error %v", ok, err, tc.ok, tc.err)
			}
			var cmdErr *CommandError
			if name == "error answer" && !errors.As(err, &cmdErr) {
				t.Errorf("error answer gave %v, want a *CommandError", err)
			}
			want, _ := ParseStatSummary(strings.TrimRight(tc.answer, "\n"))
			if !sameSummary(got, want) {
				t.Errorf("%d rows, want %d (first %+v)", len(got), len(want), got[:min(len(got), 1)])
			}
		})
	}
}
