//go:build !linux

package adminsock

import "net"

func peerOf(net.Conn) (pid int32, uid uint32, ok bool) { return 0, 0, false }
