package testutil

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// haproxySysProcAttr puts the master in its own process group, which its
// workers inherit, so Stop can find every one of them by PID; and it makes
// the kernel kill the master if the test binary dies without cleanups (the
// workers then exit on their own when the master's pipe closes).
func haproxySysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// haproxyGroup lists the live processes of process group pgid. Zombies are
// left out: they run nothing, and a worker orphaned by a killed master may
// wait for a reaper that this sandbox's init never is.
func haproxyGroup(pgid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after "(comm)": state ppid pgrp ...
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 2 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
			pids = append(pids, pid)
		}
	}
	return pids
}
