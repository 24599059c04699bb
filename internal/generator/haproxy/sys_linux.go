package haproxy

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"golang.org/x/sys/unix"
)

// probeBind binds (never listens on) a TCP socket with SO_REUSEPORT at
// addr ("host:port", IPv4 or IPv6) and closes it. HAProxy's own listeners
// set SO_REUSEPORT, so a port HAProxy holds binds fine, if HAProxy runs
// as the same user; one another program holds does not. Without listen()
// the probe never takes a connection. Addresses it cannot parse (unix@,
// a port range, a name) are not probed.
func probeBind(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	p, err := strconv.Atoi(port)
	if err != nil || p <= 0 || p > 65535 {
		return nil
	}
	ip := net.IPv4zero
	if host != "" && host != "*" {
		if ip = net.ParseIP(host); ip == nil {
			return nil
		}
	}
	family, sa := unix.AF_INET, unix.Sockaddr(nil)
	if ip4 := ip.To4(); ip4 != nil {
		a := &unix.SockaddrInet4{Port: p}
		copy(a.Addr[:], ip4)
		sa = a
	} else {
		a := &unix.SockaddrInet6{Port: p}
		copy(a.Addr[:], ip.To16())
		family, sa = unix.AF_INET6, a
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	if err := unix.Bind(fd, sa); errors.Is(err, unix.EADDRINUSE) {
		return fmt.Errorf("address already in use by another socket than HAProxy's (or HAProxy runs as another user)")
	}
	return nil
}

// processFDLimit is the hard RLIMIT_NOFILE synapse runs with; a variable
// so tests can stand in another limit.
var processFDLimit = func() (int, error) {
	var l unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	if l.Max > 1<<30 {
		return 1 << 30, nil
	}
	return int(l.Max), nil
}
