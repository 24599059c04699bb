package testutil

import "syscall"

// zkSysProcAttr makes the kernel kill the JVM if the test binary dies without
// running its cleanups (a -timeout panic, SIGKILL), so no server outlives it.
func zkSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
