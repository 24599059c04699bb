package haproxy

import (
	"strings"
	"testing"
)

// The fuzz targets hold the parsers of outside input to: never panic, and
// every returned row carries its identifying columns. Seeds are real 2.6
// output from testdata plus small malformed cases.

func FuzzParseStat(f *testing.F) {
	f.Add(readTestdata(f, "show_stat.csv"))
	f.Add("# pxname,svname,status\nbe,s1,UP\nbe,\"s2\n")
	f.Add("# \n,\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, _ := ParseStat(in)
		for _, r := range rows {
			if r.Proxy == "" || r.Server == "" {
				t.Fatalf("row without pxname/svname: %+v", r)
			}
		}
	})
}

func FuzzParseServersState(f *testing.F) {
	f.Add(readTestdata(f, "show_servers_state.txt"))
	f.Add(readTestdata(f, "show_servers_state_empty.txt"))
	f.Add("1\n# be_id be_name srv_id srv_name\n3 be\n")
	f.Fuzz(func(t *testing.T, in string) {
		states, _ := ParseServersState(in)
		for _, s := range states {
			if s.Backend == "" || s.Name == "" {
				t.Fatalf("state without be_name/srv_name: %+v", s)
			}
		}
	})
}

func FuzzParseInfo(f *testing.F) {
	f.Add(readTestdata(f, "show_info.txt"))
	f.Add("Version: 2.\nPid: -1\n: \n")
	f.Fuzz(func(t *testing.T, in string) {
		info, err := ParseInfo(in)
		if err == nil && !strings.Contains(in, info.Version.Raw) {
			t.Fatalf("version %q not from the input", info.Version.Raw)
		}
	})
}

func FuzzSplitSentinel(f *testing.F) {
	f.Add(readTestdata(f, "batch_sentinel.txt"), 8)
	f.Add("\n2.6.1\n\n", 1)
	f.Fuzz(func(t *testing.T, raw string, n int) {
		if n < 1 || n > 64 {
			return
		}
		answers, err := splitSentinel(raw, make([]string, n))
		if err == nil && len(answers) != n {
			t.Fatalf("%d answers for %d commands", len(answers), n)
		}
	})
}
