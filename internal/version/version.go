// Package version holds the build version, set by the Makefile through
// -ldflags "-X github.com/smartstack-go/smartstack/internal/version.Version=...".
package version

import "runtime"

// Version is the release this binary was built from; "dev" outside make.
var Version = "dev"

// String is the one-line version both daemons print.
func String(daemon string) string {
	return daemon + " " + Version + " (" + runtime.Version() + ")"
}
