package haproxy

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// fakeSocket is a UNIX socket answering like HAProxy 2.6's stats socket in
// non-interactive mode: one line per connection, ';'-separated commands,
// "show stat" from stat, "show version" for pkg/haproxy's framing, and the
// empty success answer for every other command unless refuse names it.
type fakeSocket struct {
	path string
	mu   sync.Mutex
	stat string
	cmds []string
	// refuse maps a command to HAProxy's error answer.
	refuse map[string]string
	// answer, when set, answers the commands refuse does not name.
	answer func(cmd string) string
	// infos counts "show info" answers: each gets another Pid, as if
	// every reload had started a new process.
	infos int
	// heard, when set, is called with each command other than a read, as
	// it arrives (benchmarks time the runtime path with it).
	heard func(cmd string)
}

func newFakeSocket(t testing.TB, stat string) *fakeSocket {
	t.Helper()
	// t.TempDir() paths of long test names overflow sun_path.
	dir, err := os.MkdirTemp("", "hsock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	f := &fakeSocket{path: filepath.Join(dir, "admin.sock"), stat: stat, refuse: map[string]string{}}
	ln, err := net.Listen("unix", f.path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { f.serve(c) })
		}
	})
	return f
}

func (f *fakeSocket) serve(c net.Conn) {
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	var out strings.Builder
	f.mu.Lock()
	for _, cmd := range strings.Split(strings.TrimSuffix(line, "\n"), ";") {
		switch cmd {
		case "show version":
			out.WriteString("2.6.12-1+deb12u3\n\n")
		case "show stat":
			f.cmds = append(f.cmds, cmd)
			out.WriteString(f.stat + "\n")
		case "show info":
			f.cmds = append(f.cmds, cmd)
			f.infos++
			out.WriteString(strings.Replace(f.refuse[cmd], "Pid: 42", "Pid: "+strconv.Itoa(42+f.infos), 1) + "\n")
		default:
			f.cmds = append(f.cmds, cmd)
			if f.heard != nil {
				f.heard(cmd)
			}
			a := f.refuse[cmd]
			if a == "" && f.answer != nil {
				a = f.answer(cmd)
			}
			out.WriteString(a + "\n")
			if a != "" {
				out.WriteString("\n")
			}
		}
	}
	f.mu.Unlock()
	_, _ = io.WriteString(c, out.String())
}

func (f *fakeSocket) setStat(stat string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stat = stat
}

// commands returns and forgets what was sent besides the reads ("show
// stat", "show info", "show servers state").
func (f *fakeSocket) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.cmds {
		if c != "show stat" && c != "show info" && !strings.HasPrefix(c, "show servers state") {
			out = append(out, c)
		}
	}
	f.cmds = nil
	return out
}

func (f *fakeSocket) showStats() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.cmds {
		if c == "show stat" {
			n++
		}
	}
	return n
}

// statCSV builds "show stat" output from "proxy,server,status" rows;
// server FRONTEND or BACKEND makes a proxy row.
func statCSV(rows ...string) string {
	var b strings.Builder
	b.WriteString("# pxname,svname,status,type\n")
	for _, r := range rows {
		typ := "2"
		switch {
		case strings.Contains(r, ",FRONTEND,"):
			typ = "0"
		case strings.Contains(r, ",BACKEND,"):
			typ = "1"
		}
		b.WriteString(r + "," + typ + "\n")
	}
	return b.String()
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2020, 11, 9, 13, 3, 34, 0, time.FixedZone("PST", -8*3600))}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// baseConfig is a valid top-level section with everything off, server
// slots too: the unit tests of the original's socket path use HTTP
// backends, which auto slots would turn into pools.
func baseConfig() *Config {
	c := NewConfig()
	c.Global, c.Defaults = []string{"daemon"}, []string{"mode http"}
	c.DoWrites, c.DoSocket, c.DoReloads = false, false, false
	c.ServerSlots = 0
	seed := Seed(1)
	c.ServerOrderSeed = &seed
	return &c
}

// reloadCounter is a reload_command that appends a line to a file.
func reloadCounter(t *testing.T) (command string, count func() int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "reloads")
	return "echo reload >> " + path, func() int {
		b, err := os.ReadFile(path)
		if err != nil {
			return 0
		}
		return strings.Count(string(b), "\n")
	}
}

func newTestGenerator(t testing.TB, cfg *Config, clock *fakeClock) *Generator {
	t.Helper()
	g, err := New(cfg, generator.Options{}, WithClock(clock.now), WithRand(func() float64 { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// live is a registration backend, as the watchers deliver it.
func live(name, host string, port int) registration.Backend {
	return backend(name, host, port).Backend
}

// normalized decodes a service's haproxy section from YAML.
func normalized(t testing.TB, g *Generator, service, src string) *ServiceConfig {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	sc, err := g.Normalize(service, &n)
	if err != nil {
		t.Fatal(err)
	}
	return sc.(*ServiceConfig)
}

func mustUpdate(t testing.TB, g *Generator, services ...generator.Service) {
	t.Helper()
	if err := g.Update(context.Background(), services); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// mustFlush writes haproxy.cfg as the next Tick would when the sockets
// applied the last updates and the file was left behind them.
func mustFlush(t testing.TB, g *Generator) {
	t.Helper()
	if err := g.Flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
}
