package adminsock

import (
	"fmt"
	"net/http"
	"runtime"
	"runtime/pprof"
	"strconv"
)

// PathProfile serves the runtime's profiles ("heap", "goroutine",
// "allocs") in pprof's format, for `go tool pprof` and the soak's memory
// figures. They live on the admin socket, not on the /metrics listener:
// the socket's file mode already limits who may ask, and nothing new
// listens on TCP. No CPU profile: it would hold a request open for its
// duration.
const PathProfile = "/debug/pprof/"

var profiles = map[string]bool{"heap": true, "goroutine": true, "allocs": true}

// withProfiles serves h and the profiles beside it.
func withProfiles(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathProfile+"{profile}", serveProfile)
	mux.Handle("/", h)
	return mux
}

// serveProfile writes one profile; with gc=1 (as net/http/pprof reads it)
// a collection runs first, so "heap" shows live memory only, which is
// what tells a leak from garbage not yet collected.
func serveProfile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("profile")
	p := pprof.Lookup(name)
	if !profiles[name] || p == nil {
		http.Error(w, fmt.Sprintf("unknown profile %q", name), http.StatusNotFound)
		return
	}
	if gc, _ := strconv.ParseBool(r.FormValue("gc")); gc {
		runtime.GC()
	}
	debug, _ := strconv.Atoi(r.FormValue("debug"))
	debug = min(max(debug, 0), 2)
	if debug == 0 {
		w.Header().Set("Content-Type", "application/octet-stream")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	if err := p.WriteTo(w, debug); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
