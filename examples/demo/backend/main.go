// Command backend is the demo's sample service: it answers every request
// with its own name, and /health with 200 until it receives SIGUSR1, which
// toggles it unhealthy and back (so the demo can show nerve deregistering a
// backend that is still running). With -hit it is the demo's client
// instead: it sends -n requests and prints how many each backend answered,
// so the demo needs no curl.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
)

func main() {
	name := flag.String("name", "backend", "name to answer with")
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	hit := flag.String("hit", "", "client mode: URL to send requests to")
	n := flag.Int("n", 30, "client mode: number of requests")
	flag.Parse()
	if *hit != "" {
		os.Exit(client(*hit, *n))
	}

	var sick atomic.Bool
	toggle := make(chan os.Signal, 1)
	signal.Notify(toggle, syscall.SIGUSR1)
	go func() {
		for range toggle {
			sick.Store(!sick.Load())
		}
	}()

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		if sick.Load() {
			http.Error(w, "sick", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "hello from %s\n", *name)
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}

func client(url string, n int) int {
	counts := map[string]int{}
	var order []string
	for range n {
		resp, err := http.Get(url)
		if err != nil {
			counts["error"]++
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		who := strings.TrimSpace(strings.TrimPrefix(string(b), "hello from "))
		if resp.StatusCode != http.StatusOK {
			who = resp.Status
		}
		if counts[who] == 0 {
			order = append(order, who)
		}
		counts[who]++
	}
	sort.Strings(order)
	for _, who := range order {
		fmt.Printf("  %-12s %3d %s\n", who, counts[who], strings.Repeat("#", counts[who]))
	}
	if counts["error"] > 0 {
		fmt.Printf("  %-12s %3d\n", "error", counts["error"])
	}
	return 0
}
