package haproxy

import (
	"bufio"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeSocket is a UNIX socket that reads one line per connection, records
// it and writes answer(line), like HAProxy's non-interactive mode. A nil
// answer never answers: the connection stays open until the test ends.
type fakeSocket struct {
	path string
	mu   sync.Mutex
	seen []string
}

func newFakeSocket(t *testing.T, answer func(line string) string) *fakeSocket {
	t.Helper()
	f := &fakeSocket{path: filepath.Join(t.TempDir(), "fake.sock")}
	ln, err := net.Listen("unix", f.path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(done)
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.serve(c, answer, done)
			}()
		}
	}()
	return f
}

func (f *fakeSocket) serve(c net.Conn, answer func(string) string, done <-chan struct{}) {
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	line = strings.TrimSuffix(line, "\n")
	f.mu.Lock()
	f.seen = append(f.seen, line)
	f.mu.Unlock()
	if answer == nil {
		<-done
		return
	}
	_, _ = io.WriteString(c, answer(line))
}

func (f *fakeSocket) lines() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// fakeHAProxy26 answers like 2.6 for the few commands the unit tests send.
func fakeHAProxy26(answers map[string]string) func(string) string {
	return func(line string) string {
		var out strings.Builder
		for _, cmd := range strings.Split(line, ";") {
			if cmd == sentinelCommand {
				out.WriteString("2.6.12-1+deb12u3\n\n")
				continue
			}
			out.WriteString(answers[cmd] + "\n")
		}
		return out.String()
	}
}
