package testutil

import "syscall"

// childSysProcAttr makes the kernel kill a server if the test binary dies
// without running its cleanups (a -timeout panic, SIGKILL), so no server
// outlives it.
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
