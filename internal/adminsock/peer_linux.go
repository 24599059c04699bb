package adminsock

import (
	"net"
	"syscall"
)

// peerOf is the connecting process's pid and uid (SO_PEERCRED), for the
// audit log line of every state change; ok is false when unknown.
func peerOf(c net.Conn) (pid int32, uid uint32, ok bool) {
	uc, isUnix := c.(*net.UnixConn)
	if !isUnix {
		return 0, 0, false
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return 0, 0, false
	}
	var cred *syscall.Ucred
	if err := raw.Control(func(fd uintptr) {
		cred, err = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil || cred == nil {
		return 0, 0, false
	}
	return cred.Pid, cred.Uid, true
}
