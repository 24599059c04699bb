package main

import (
	"bufio"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The four-letter words and jcmd answer in plain text; these parse the
// few figures the benchmark reads. A reply that lacks them is an error
// naming the command, never a zero: a zero would read as a measurement.

// mntr is a parsed `mntr` reply: "key<TAB>value" lines.
type mntr map[string]string

func parseMntr(out string) (mntr, error) {
	if strings.Contains(out, "not executed") || strings.Contains(out, "not in the whitelist") {
		return nil, fmt.Errorf("mntr refused: %s", strings.TrimSpace(out))
	}
	m := mntr{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "\t")
		if ok && strings.HasPrefix(k, "zk_") {
			m[k] = strings.TrimSpace(v)
		}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("mntr: no zk_ lines in %q", truncate(out, 200))
	}
	return m, sc.Err()
}

// int returns key as an integer; ZooKeeper prints some counters as floats
// (zk_avg_latency), which are rounded.
func (m mntr) int(key string) (int64, error) {
	v, ok := m[key]
	if !ok {
		return 0, fmt.Errorf("mntr: no %s", key)
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("mntr: %s = %q is not a number", key, v)
	}
	return int64(f + 0.5), nil
}

// wchs is a parsed `wchs` reply.
type wchs struct {
	Connections, Paths, Watches int64
}

var (
	wchsHead  = regexp.MustCompile(`(\d+) connections watching (\d+) paths`)
	wchsTotal = regexp.MustCompile(`Total watches:\s*(\d+)`)
)

func parseWchs(out string) (wchs, error) {
	h := wchsHead.FindStringSubmatch(out)
	t := wchsTotal.FindStringSubmatch(out)
	if h == nil || t == nil {
		return wchs{}, fmt.Errorf("wchs: unexpected reply %q", truncate(out, 200))
	}
	var w wchs
	w.Connections, _ = strconv.ParseInt(h[1], 10, 64)
	w.Paths, _ = strconv.ParseInt(h[2], 10, 64)
	w.Watches, _ = strconv.ParseInt(t[1], 10, 64)
	return w, nil
}

// heapUsed matches "used 1234K" of a heap line (every collector prints one
// per generation, or one for the whole heap); the space lines under them
// say "35% used" and do not match.
var heapUsed = regexp.MustCompile(`\bused (\d+)([KMG])\b`)

// parseHeapInfo sums the used size of the heap's generations in a
// `jcmd <pid> GC.heap_info` reply, in bytes. Metaspace is not heap.
func parseHeapInfo(out string) (int64, error) {
	var total int64
	found := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "Metaspace") || strings.HasPrefix(line, "class space") {
			continue
		}
		m := heapUsed.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("GC.heap_info: %q: %w", line, err)
		}
		total += n << map[string]uint{"K": 10, "M": 20, "G": 30}[m[2]]
		found = true
	}
	if !found {
		return 0, fmt.Errorf("GC.heap_info: no heap line in %q", truncate(out, 300))
	}
	return total, sc.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
