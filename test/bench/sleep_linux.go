package main

import (
	"syscall"
	"time"
)

// pause blocks the calling thread for d. time.Sleep cannot go below about
// a millisecond on Linux (the runtime's epoll wait takes whole
// milliseconds, golang/go#44343), which made a 200 µs poll a 1.4 ms one
// and added about 0.7 ms to every propagation latency; nanosleep keeps
// the pause the -poll flag asks for.
func pause(d time.Duration) {
	ts := syscall.NsecToTimespec(d.Nanoseconds())
	for {
		var left syscall.Timespec
		if err := syscall.Nanosleep(&ts, &left); err != syscall.EINTR {
			return
		}
		ts = left
	}
}
