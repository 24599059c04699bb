package haproxy

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestSplitSentinelRealOutput(t *testing.T) {
	raw, err := os.ReadFile("testdata/batch_sentinel.txt")
	if err != nil {
		t.Fatal(err)
	}
	cmds := []string{
		"disable server app/app1", "set weight app/app1 300", "del server app/nosuch",
		"add server app/dyn2 127.0.0.1:1", "del server app/dyn2", "show servers state empty",
		"set server app/app1 addr 127.0.0.9 port 1", "enable server app/app1",
	}
	want := []string{
		"", "Absolute weight can only be between 0 and 256 inclusive.", "No such server.",
		"New server registered.", "Server deleted.", "", // answer 5 checked below
		"IP changed from '127.0.0.1' to '127.0.0.9', port changed from '18181' to '1' by 'stats socket command'", "",
	}
	got, err := splitSentinel(string(raw), cmds)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got[5], "1\n# be_id be_name") {
		t.Errorf("answer 5 = %q, want a servers state dump", got[5])
	}
	got[5] = ""
	if !slices.Equal(got, want) {
		t.Fatalf("answers:\n%q\nwant:\n%q", got, want)
	}
}

func TestSplitSentinel(t *testing.T) {
	const v = "2.6.12-1+deb12u3\n\n"
	tests := []struct {
		name string
		raw  string
		n    int
		want []string // nil: a FramingError
	}{
		{"empty answers", "\n" + v + "\n" + v, 2, []string{"", ""}},
		{"no trailing newline in message", "Server deleted.\n" + v + "x\n\n" + v, 2, []string{"Server deleted.", "x"}},
		{"caller's own show version", v + v + "\n" + v, 2, []string{"2.6.12-1+deb12u3", ""}},
		{"version text inside an answer", "Version: 2.6.12-1+deb12u3\n\n" + v + "\n" + v, 2, []string{"Version: 2.6.12-1+deb12u3", ""}},
		{"multi-line answer", "a\nb\n\nc\n\n" + v + "\n" + v, 2, []string{"a\nb\n\nc", ""}},
		{"missing separator", "\n" + v, 2, nil},
		{"not a version at the end", "\nfoo\n\n", 1, nil},
		{"text after last answer", "\n" + v + "junk\n", 1, nil},
		{"empty", "", 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmds := make([]string, tc.n)
			got, err := splitSentinel(tc.raw, cmds)
			var fe *FramingError
			if tc.want == nil {
				if !errors.As(err, &fe) || fe.Raw != tc.raw {
					t.Fatalf("got %q, %v; want a FramingError", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestSplitBlankLines(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		n    int
		want []string
	}{
		{"original synapse success", "\n\n\n\n", 4, []string{"", "", "", ""}},
		{"messages", "\nNo such server.\n\nNew server registered.\n\n", 3, []string{"", "No such server.", "New server registered."}},
		{"del server miscounts", "Server deleted.\n\n", 2, nil},
		{"unterminated", "half", 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitBlankLines(tc.raw, make([]string, tc.n))
			var fe *FramingError
			if tc.want == nil {
				if !errors.As(err, &fe) {
					t.Fatalf("got %q, %v; want a FramingError", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestExecJoinsWithSentinelAndProbesOnce(t *testing.T) {
	f := newFakeSocket(t, fakeHAProxy26(map[string]string{
		"del server app/nosuch":       "No such server.",
		"add server app/d 1.2.3.4:80": "New server registered.\n",
	}))
	c := New(f.path)
	ctx := context.Background()
	for range 2 {
		res, err := c.Exec(ctx, "disable server app/s1", "del server app/nosuch", "add server app/d 1.2.3.4:80")
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Err != nil || !errors.Is(res[1].Err, ErrNoSuchServer) || res[2].Err != nil || res[2].Answer != "New server registered." {
			t.Fatalf("results = %+v", res)
		}
	}
	batch := "disable server app/s1;show version;del server app/nosuch;show version;add server app/d 1.2.3.4:80;show version"
	if got := f.lines(); !slices.Equal(got, []string{"show version", batch, batch}) {
		t.Fatalf("socket saw %q, want one probe then the batch twice", got)
	}
}

func TestExecFallsBackWithoutShowVersion(t *testing.T) {
	f := newFakeSocket(t, func(line string) string {
		if line == "show version" {
			return "Unknown command. Please enter one of the following commands only :\n  help : this message\n\n"
		}
		return strings.Repeat("\n", strings.Count(line, ";")+1)
	})
	c := New(f.path)
	res, err := c.Exec(context.Background(), "enable server a/b", "enable server a/c")
	if err != nil || len(res) != 2 || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("Exec = %+v, %v", res, err)
	}
	if got := f.lines(); !slices.Equal(got, []string{"show version", "enable server a/b;enable server a/c"}) {
		t.Fatalf("socket saw %q, want the batch without sentinels", got)
	}
}

func TestDoJoinsCommandErrors(t *testing.T) {
	f := newFakeSocket(t, fakeHAProxy26(map[string]string{
		"disable server a/x": "No such server.\n",
		"disable server b/y": "No such backend.\n",
	}))
	err := New(f.path).Do(context.Background(), "disable server a/x", "disable server a/ok", "disable server b/y")
	if !errors.Is(err, ErrNoSuchServer) || !errors.Is(err, ErrNoSuchBackend) || strings.Contains(err.Error(), "a/ok") {
		t.Fatalf("Do err = %v, want both refusals and not the success", err)
	}
	if err := New(f.path).Do(context.Background()); err != nil {
		t.Fatalf("empty Do = %v", err)
	}
}
