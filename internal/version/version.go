// Package version holds the build version, set by the Makefile through
// -ldflags "-X github.com/smartstack-go/smartstack/internal/version.Version=...".
// Without it (go build, go install) the version comes from the build
// information the Go toolchain embeds: the module version for go install
// ...@vX, the VCS revision for a build in a checkout.
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the release this binary was built from; set by -ldflags, else
// filled from the build information in init.
var Version = ""

// Revision is the VCS commit the binary was built from ("" when unknown),
// with "+dirty" when the work tree had uncommitted changes. -ldflags may
// set it too (-X ...version.Revision=...), for builds without VCS stamping.
var Revision = ""

func init() {
	info, ok := debug.ReadBuildInfo()
	Version, Revision = fromBuildInfo(Version, Revision, info, ok)
}

func fromBuildInfo(ldVersion, ldRevision string, info *debug.BuildInfo, ok bool) (version, revision string) {
	version = ldVersion
	if !ok {
		if version == "" {
			version = "dev"
		}
		return version, ldRevision
	}
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision != "" && modified {
		revision += "+dirty"
	}
	if ldRevision != "" {
		revision = ldRevision
	}
	if version == "" {
		version = info.Main.Version
	}
	if version == "" || version == "(devel)" {
		version = "dev"
	}
	return version, revision
}

// GoVersion is the toolchain that built the binary.
func GoVersion() string { return runtime.Version() }

// String is the one-line version both daemons print, e.g.
// "nerve v1.2.0 (rev 0123abcd4567+dirty, go1.26.0)".
func String(daemon string) string {
	rev := ""
	if Revision != "" {
		base, dirty := strings.CutSuffix(Revision, "+dirty")
		rev = "rev " + base[:min(len(base), 12)]
		if dirty {
			rev += "+dirty"
		}
		rev += ", "
	}
	return daemon + " " + Version + " (" + rev + runtime.Version() + ")"
}
