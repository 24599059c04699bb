//go:build pprof

package main

import (
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

// A synapse built with -tags pprof serves net/http/pprof on the loopback
// address in SYNAPSE_PPROF_ADDR (e.g. 127.0.0.1:6060), for profiling the
// benchmark's scale scenario (docs/benchmarks.md). Never in a release
// build: the listener lives as long as the process, with no owner to stop
// it, and the profiles expose the process's internals.
func init() {
	addr := os.Getenv("SYNAPSE_PPROF_ADDR")
	if addr == "" {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		os.Stderr.WriteString("synapse: pprof listener: " + err.Error() + "\n")
		return
	}
	go func() { _ = http.Serve(ln, nil) }()
}
