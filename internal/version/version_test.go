package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	for _, c := range []struct {
		name, ld, ldR string
		info          *debug.BuildInfo
		ok            bool
		wantV, wantRv string
	}{
		{"no build info", "", "", nil, false, "dev", ""},
		{"ldflags win", "v1.2.3", "", vcs("abc", "false"), true, "v1.2.3", "abc"},
		{"ldflags revision", "v1.2.3", "def", vcs("abc", "true"), true, "v1.2.3", "def"},
		{"checkout, clean", "", "", vcs("abc", "false"), true, "dev", "abc"},
		{"checkout, modified", "", "", vcs("abc", "true"), true, "dev", "abc+dirty"},
		{"go install @version", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.9.0"}}, true, "v0.9.0", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, rv := fromBuildInfo(c.ld, c.ldR, c.info, c.ok)
			if v != c.wantV || rv != c.wantRv {
				t.Fatalf("got %q %q, want %q %q", v, rv, c.wantV, c.wantRv)
			}
		})
	}
}

func TestString(t *testing.T) {
	oldV, oldR := Version, Revision
	t.Cleanup(func() { Version, Revision = oldV, oldR })
	Version, Revision = "v1", "0123456789abcdef+dirty"
	if got, want := String("nerve"), "nerve v1 (rev 0123456789ab+dirty, "+GoVersion()+")"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}
