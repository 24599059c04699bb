package testutil

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const haproxyReloadTimeout = 10 * time.Second

// HAProxyProcs is the master CLI's "show proc".
type HAProxyProcs struct {
	Master     int
	Reloads    int   // reloads the master has done
	Failed     int   // failed reloads since the last good one
	Workers    []int // current workers
	OldWorkers []int // workers of earlier generations still finishing
}

// HAProxyReload reports one reload by PID.
type HAProxyReload struct {
	Master    int   // unchanged by a master-worker reload
	Old       []int // workers that served before the reload
	New       []int // workers that serve after it
	Lingering []int // old workers still alive when the reload returned
}

// CheckConfig runs "haproxy -c" on config (placeholders expanded) and returns
// HAProxy's message when it is invalid. ConfigPath is not touched.
func (h *HAProxy) CheckConfig(config string) error {
	path := filepath.Join(h.Dir, "candidate.cfg")
	if err := os.WriteFile(path, []byte(h.Expand(config)), 0o644); err != nil {
		return fmt.Errorf("write candidate config: %w", err)
	}
	out, err := exec.Command(h.bin, "-c", "-f", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("haproxy -c: %w\n%s", err, out)
	}
	return nil
}

// WriteConfig validates config and replaces ConfigPath with it (atomically),
// ready for Reload; an invalid config fails the test with HAProxy's message.
// To test a rejected reload, write ConfigPath directly and use TryReload.
func (h *HAProxy) WriteConfig(config string) {
	h.t.Helper()
	if err := h.CheckConfig(config); err != nil {
		h.t.Fatalf("invalid haproxy config: %v\nconfig:\n%s", err, h.Expand(config))
	}
	if err := os.Rename(filepath.Join(h.Dir, "candidate.cfg"), h.ConfigPath); err != nil {
		h.t.Fatalf("install haproxy config: %v", err)
	}
}

// Reload is TryReload that fails the test on error.
func (h *HAProxy) Reload() HAProxyReload {
	h.t.Helper()
	r, err := h.TryReload()
	if err != nil {
		h.t.Fatalf("haproxy reload: %v\nlog:\n%s", err, h.LogTail())
	}
	return r
}

// TryReload sends "reload" to the master CLI and waits with AwaitReload.
// In 2.6 the command is asynchronous and answers nothing (the master
// re-executes itself), so success can only be read from "show proc".
func (h *HAProxy) TryReload() (HAProxyReload, error) {
	before, err := h.Procs()
	if err != nil {
		return HAProxyReload{}, fmt.Errorf("before reload: %w", err)
	}
	if _, err := haproxyQuery(h.MasterSocket, "reload"); err != nil {
		return HAProxyReload{}, fmt.Errorf("send reload: %w", err)
	}
	return h.AwaitReload(before)
}

// AwaitReload waits for a reload started after before was taken with Procs,
// by TryReload or from outside (a reload_command "kill -USR2 <MasterPID>"):
// the master's reload counter moves, no failure is counted, a new worker is
// listed and the old ones are gone or listed as old. It returns once the
// stats socket is served by a new worker. A failed reload is an error.
func (h *HAProxy) AwaitReload(before HAProxyProcs) (HAProxyReload, error) {
	var after HAProxyProcs
	err := Poll(haproxyReloadTimeout, func() error {
		p, err := h.Procs()
		if err != nil {
			return err
		}
		after = p
		return reloadSettled(before, p)
	})
	if err != nil {
		return HAProxyReload{}, err
	}
	if after.Failed > 0 {
		return HAProxyReload{Master: after.Master, Old: before.Workers},
			fmt.Errorf("reload failed: master counts %d failed reload(s), workers %v keep serving", after.Failed, after.Workers)
	}
	r := HAProxyReload{Master: after.Master, Old: before.Workers, New: after.Workers}
	if err := Poll(haproxyReloadTimeout, func() error { return h.servedBy(r.New) }); err != nil {
		return r, err
	}
	if final, err := h.Procs(); err == nil {
		r.Lingering = intersect(before.Workers, append(final.Workers, final.OldWorkers...))
	}
	return r, nil
}

// reloadSettled is nil once "show proc" shows the reload finished, failed
// (the caller checks Failed) or done, and says what is missing otherwise.
func reloadSettled(before, now HAProxyProcs) error {
	switch {
	case now.Reloads <= before.Reloads:
		return fmt.Errorf("master has not reloaded (reloads %d)", now.Reloads)
	case now.Failed > 0:
		return nil
	case len(now.Workers) == 0 || len(intersect(now.Workers, before.Workers)) > 0:
		return fmt.Errorf("workers %v still include old workers %v", now.Workers, before.Workers)
	}
	return nil
}

func (h *HAProxy) servedBy(workers []int) error {
	pid, err := h.servingPID()
	if err != nil {
		return err
	}
	if !slices.Contains(workers, pid) {
		return fmt.Errorf("stats socket still served by pid %d, not by %v", pid, workers)
	}
	return nil
}

// servedByWorker is nil when the stats socket is served by a worker the
// master lists.
func (h *HAProxy) servedByWorker() error {
	p, err := h.Procs()
	if err != nil {
		return err
	}
	return h.servedBy(p.Workers)
}

// servingPID is the Pid "show info" reports on the stats socket.
func (h *HAProxy) servingPID() (int, error) {
	out, err := haproxyQuery(h.StatsSocket, "show info")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "Pid: "); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, errNoPid
}

// WorkerPIDs returns the current workers from "show proc", failing the test
// when the master does not answer.
func (h *HAProxy) WorkerPIDs() []int {
	h.t.Helper()
	p, err := h.Procs()
	if err != nil {
		h.t.Fatalf("haproxy show proc: %v", err)
	}
	return p.Workers
}

// Procs asks the master CLI for "show proc".
func (h *HAProxy) Procs() (HAProxyProcs, error) {
	out, err := haproxyQuery(h.MasterSocket, "show proc")
	if err != nil {
		return HAProxyProcs{}, err
	}
	return parseShowProc(out)
}

var failedRe = regexp.MustCompile(`\[failed: (\d+)\]`)

// parseShowProc reads the 2.6 layout: a "#<PID> <type> <reloads> ..."
// header, the master line ("1162 master 5 [failed: 0] ..."), then sections
// "# workers", "# old workers", "# programs" of "<pid> <type> ..." lines.
func parseShowProc(out string) (HAProxyProcs, error) {
	var p HAProxyProcs
	section := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") {
			section = strings.TrimSpace(strings.TrimPrefix(line, "#"))
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		pid, err := strconv.Atoi(f[0])
		if err != nil {
			return p, fmt.Errorf("show proc line %q: %w", line, err)
		}
		switch {
		case f[1] == "master":
			p.Master = pid
			p.Reloads, _ = strconv.Atoi(f[2])
			if m := failedRe.FindStringSubmatch(line); m != nil {
				p.Failed, _ = strconv.Atoi(m[1])
			}
		case section == "workers":
			p.Workers = append(p.Workers, pid)
		case section == "old workers":
			p.OldWorkers = append(p.OldWorkers, pid)
		}
	}
	if p.Master == 0 {
		return p, fmt.Errorf("show proc without a master line: %q", out)
	}
	return p, nil
}

// haproxyQuery sends one line on a fresh connection and reads to EOF. The
// half-close is what makes the master CLI answer and hang up.
func haproxyQuery(path, line string) (string, error) {
	conn, err := net.DialTimeout("unix", path, haproxySockTimeout)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(haproxySockTimeout))
	if _, err := io.WriteString(conn, line+"\n"); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	_ = conn.(*net.UnixConn).CloseWrite()
	b, err := io.ReadAll(conn)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return string(b), nil
}

func intersect(a, b []int) []int {
	var out []int
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
