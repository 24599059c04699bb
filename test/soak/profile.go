package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/adminsock"
)

// getProfile asks a daemon's admin socket for a profile (the daemons
// serve them there, not on TCP: internal/adminsock).
func getProfile(sock, query string) ([]byte, error) {
	c := adminsock.NewClient("daemon", sock)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://socket"+adminsock.PathProfile+query, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: HTTP %d: %s", query, resp.StatusCode, bytes.TrimSpace(b))
	}
	return b, err
}

// liveHeap is the heap in use right after a forced collection: the
// runtime.MemStats HeapAlloc that the text heap profile ends with. Read
// this way it holds no garbage, so two readings compare. Two collections:
// what sync.Pools hold survives the first one.
func liveHeap(sock string) (float64, error) {
	if _, err := getProfile(sock, "heap?gc=1"); err != nil {
		return 0, err
	}
	b, err := getProfile(sock, "heap?gc=1&debug=1")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "# HeapAlloc = "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("no HeapAlloc in the heap profile")
}

// saveHeapProfile keeps the heap profile (as of the collection liveHeap
// just forced) as dir/<name>-<stage>.pb.gz.
func saveHeapProfile(dir, sock, name, stage string) (string, error) {
	b, err := getProfile(sock, "heap")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+"-"+stage+".pb.gz")
	return path, os.WriteFile(path, b, 0o644)
}

// heapGrowth is `go tool pprof -top` of what end holds that base did not,
// by live bytes, the top n allocation sites.
func heapGrowth(base, end string, n int) string {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-sample_index=inuse_space",
		"-nodecount="+strconv.Itoa(n), "-base", base, end).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("go tool pprof: %v\n%s", err, out)
	}
	// The header lines name the files and the build; keep the table.
	var keep []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Type:") || strings.HasPrefix(l, "Time:") {
			continue
		}
		keep = append(keep, "    "+l)
	}
	return strings.Join(keep, "\n")
}
