package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// scrape reads a Prometheus text page and sums the samples of each metric
// whose labels contain every one of filter (e.g. `result="failure"`).
func scrape(addr string) (map[string]float64, error) {
	c := &http.Client{Timeout: 2 * time.Second}
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	// Uncompressed: a gzip answer leaves a compressor of about 600 KiB in
	// the daemon's pool, which a single collection does not free, and the
	// soak reads /metrics often enough to keep one there.
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s/metrics: HTTP %d", addr, resp.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// sum adds every sample of name whose label set contains all of labels.
func sum(m map[string]float64, name string, labels ...string) float64 {
	var t float64
	for k, v := range m {
		base, rest, _ := strings.Cut(k, "{")
		if base != name {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(rest, l)
		}
		if ok {
			t += v
		}
	}
	return t
}

// vitals is one process's memory and goroutines.
type vitals struct {
	rss        float64
	anon       float64 // RssAnon: RSS without the binary's pages, which grow as code runs first
	heap       float64 // live heap after a forced collection: RSS lags behind the GC's frees
	goroutines float64
}

func (v vitals) String() string {
	return fmt.Sprintf("RSS %.1f MiB (anon %.1f), live heap %.2f MiB, %d goroutines", v.rss/(1<<20), v.anon/(1<<20), v.heap/(1<<20), int(v.goroutines))
}

// readVitals reads the live heap first (it forces a collection), then
// RSS and goroutines from /metrics.
func readVitals(pid int, addr, sock string) (vitals, error) {
	heap, err := liveHeap(sock)
	if err != nil {
		return vitals{}, fmt.Errorf("live heap: %w", err)
	}
	m, err := scrape(addr)
	if err != nil {
		return vitals{}, err
	}
	return vitals{rss: m["process_resident_memory_bytes"], anon: rssAnon(pid), heap: heap, goroutines: m["go_goroutines"]}, nil
}

// reloadCounter keeps synapse's reload counts across its restarts: the
// counters start at zero in each process, so the last value read before a
// kill is carried over.
type reloadCounter struct {
	baseOK, baseFailed float64
	ok, failed         float64
}

func (r *reloadCounter) read(addr string) {
	m, err := scrape(addr)
	if err != nil {
		return
	}
	r.ok = sum(m, "synapse_haproxy_reloads_total", `result="success"`)
	r.failed = sum(m, "synapse_haproxy_reloads_total", `result="failure"`)
}

// restarted carries the current process's counts over before a kill.
func (r *reloadCounter) restarted() {
	r.baseOK += r.ok
	r.baseFailed += r.failed
	r.ok, r.failed = 0, 0
}

func (r *reloadCounter) totals() (ok, failed float64) {
	return r.baseOK + r.ok, r.baseFailed + r.failed
}

// rssAnon is pid's RssAnon from /proc (0 where there is none).
func rssAnon(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "RssAnon:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb * 1024
		}
	}
	return 0
}
