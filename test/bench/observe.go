package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// serverView is what HAProxy's runtime state says about one server.
type serverView struct {
	present bool
	live    bool // running and not in maintenance or drain
	weight  int  // srv_uweight
}

// adminMaint is HAProxy's SRV_ADMF_MAINT (FMAINT|IMAINT|RMAINT). CMAINT
// only records that the server was configured or added "disabled": it
// stays set after "enable server" brings the server UP/READY, so it must
// not count as maintenance (AdminState.Maint counts it).
const adminMaint = haproxy.AdminForcedMaint | haproxy.AdminInheritedMaint | haproxy.AdminResolveMaint

// servers reads "show servers state" for backend ("" for all) into a map
// keyed by "backend/server".
func servers(ctx context.Context, c *haproxy.Client, backend string) (map[string]serverView, error) {
	view, _, err := serversAt(ctx, c, backend)
	return view, err
}

// serversAt is servers with the moment HAProxy's answer was read, before
// it is parsed: a change it shows was visible by then, and the parse (a
// tenth of a millisecond or more on busy cores) is the benchmark's own
// time, not synapse's.
func serversAt(ctx context.Context, c runner, backend string) (map[string]serverView, time.Time, error) {
	cmd := "show servers state"
	if backend != "" {
		cmd += " " + haproxy.Escape(backend)
	}
	answer, err := c.Run(ctx, cmd)
	read := time.Now()
	if err != nil {
		return nil, read, fmt.Errorf("show servers state: %w", err)
	}
	rows, err := haproxy.ParseServersState(answer)
	if err != nil && rows == nil {
		return nil, read, fmt.Errorf("show servers state: %w", err)
	}
	out := make(map[string]serverView, len(rows))
	for _, r := range rows {
		live := r.OpState == haproxy.OpRunning && r.AdminState&adminMaint == 0 && !r.AdminState.Drain()
		out[r.Backend+"/"+r.Name] = serverView{present: true, live: live, weight: r.UWeight}
	}
	return out, read, nil
}

// countLive counts the wanted backends HAProxy serves.
func countLive(view map[string]serverView, bs []*backend) int {
	n := 0
	for _, b := range bs {
		if view[b.service+"/"+b.serverName()].live {
			n++
		}
	}
	return n
}

// waitAllLive polls until every backend of bs is live, and returns when
// that was first seen. pollEvery trades precision for HAProxy's CPU, which
// a 50,000-server "show servers state" costs.
func waitAllLive(ctx context.Context, c *haproxy.Client, bs []*backend, pollEvery, timeout time.Duration, alive func() error) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last, lastErr := 0, error(nil)
	for {
		view, err := servers(ctx, c, "")
		lastErr = err
		if err == nil {
			if last = countLive(view, bs); last == len(bs) {
				return time.Now(), nil
			}
		}
		if err := alive(); err != nil {
			return time.Time{}, err
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%d of %d backends live after %s (last poll error: %v): %w", last, len(bs), timeout, lastErr, ctx.Err())
		case <-time.After(pollEvery):
		}
	}
}

// reloads is the master's reload counter. The master re-executes itself
// on every reload and its CLI is briefly refused meanwhile, hence the retry.
func reloads(h *testutil.HAProxy) (int, error) {
	var n int
	err := testutil.Poll(10*time.Second, func() error {
		p, err := h.Procs()
		n = p.Reloads
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("show proc: %w", err)
	}
	return n, nil
}

// metric sums every series of name on synapse's /metrics; -1 when absent.
func metric(ctx context.Context, addr, name string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return 0, fmt.Errorf("metrics request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("get metrics: %w", err)
	}
	defer resp.Body.Close()
	sum, found := 0.0, false
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || (len(line) > len(name) && line[len(name)] != '{' && line[len(name)] != ' ') {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err == nil {
			sum, found = sum+v, true
		}
	}
	if !found {
		return -1, sc.Err()
	}
	return sum, sc.Err()
}

// procUsage is a process's peak and current RSS and its CPU time.
type procUsage struct {
	HWMKiB, RSSKiB int64
	CPUSeconds     float64
}

// usage reads /proc; utime and stime are in clock ticks, 100 per second
// on every Linux this runs on (sysconf(_SC_CLK_TCK)).
func usage(pid int) (procUsage, error) {
	var u procUsage
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, fmt.Errorf("read status: %w", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "VmHWM:" {
			u.HWMKiB, _ = strconv.ParseInt(f[1], 10, 64)
		} else if len(f) >= 2 && f[0] == "VmRSS:" {
			u.RSSKiB, _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, fmt.Errorf("read stat: %w", err)
	}
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	// After "(comm)": state is field 3, utime 14 and stime 15.
	if len(f) > 12 {
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		u.CPUSeconds = (ut + st) / 100
	}
	return u, nil
}
