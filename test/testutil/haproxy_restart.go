package testutil

import (
	"fmt"
	"syscall"
)

// Kill ends HAProxy outright, as the OOM killer or a crash does: SIGKILL
// to the master and every process of its group, no cleanup (the socket
// files stay). StartAgain starts it again with the same files.
func (h *HAProxy) Kill() error {
	pid := h.cmd.Process.Pid
	for _, p := range append([]int{pid}, haproxyGroup(pid)...) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	<-h.exited
	return Poll(haproxyStopGrace, func() error {
		if left := haproxyGroup(pid); len(left) > 0 {
			return fmt.Errorf("haproxy processes %v of group %d still running", left, pid)
		}
		return nil
	})
}

// StartAgain starts HAProxy after Kill with the config now at ConfigPath
// and waits until its stats socket answers. MasterPID changes; Stop stops
// the new one.
func (h *HAProxy) StartAgain() error {
	select {
	case <-h.exited:
	default:
		return fmt.Errorf("haproxy master %d is still running", h.cmd.Process.Pid)
	}
	if err := h.start(); err != nil {
		return fmt.Errorf("start haproxy again: %w", err)
	}
	if err := h.waitReady(); err != nil {
		return fmt.Errorf("haproxy not ready after a new start: %w", err)
	}
	return nil
}
