package testutil

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDaemonStartStopAgain(t *testing.T) {
	for _, piped := range []bool{false, true} {
		t.Run(fmt.Sprintf("piped=%v", piped), func(t *testing.T) {
			d := NewDaemon("sleeper", filepath.Join(t.TempDir(), "log"), "/bin/sh", "-c", "echo started; exec sleep 60")
			d.Piped = piped
			if d.Exited() || d.PID() != 0 {
				t.Fatal("a daemon never started reports a process")
			}
			for i := 1; i <= 2; i++ {
				if err := d.Start(); err != nil {
					t.Fatal(err)
				}
				if d.Exited() || d.ExitState() != nil {
					t.Fatal("just started, already exited")
				}
				Eventually(t, 5*time.Second, func() error {
					if n := strings.Count(d.LogTail(1000), "started\n"); n != i {
						return fmt.Errorf("log has %d starts' output, want %d:\n%s", n, i, d.LogTail(1000))
					}
					return nil
				})
				d.Stop(syscall.SIGTERM)
				if !d.Exited() || d.ExitState() == nil {
					t.Fatal("stopped, still running")
				}
				if d.Starts != i {
					t.Fatalf("Starts %d, want %d", d.Starts, i)
				}
			}
		})
	}
}
