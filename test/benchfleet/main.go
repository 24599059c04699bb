// Command benchfleet is `make bench-fleet`: a fleet's load on a ZooKeeper
// ensemble. It starts a 3-member ensemble on loopback, M bin/nerve
// processes registering S×B backends, and N synapse discovery stacks in
// this process watching all of them, then reports per watch mode the
// ensemble's watches and heap, its request rate at steady state, one
// change's fan-out to every stack and the storm after the whole ensemble
// restarts, plus a linear extrapolation to a large fleet
// (docs/scaling.md). It fails only when it cannot run, never on a number.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

type params struct {
	stacks, services, backends, nerves, changes int
	ensemble                                    int
	modes                                       []string
	window                                      time.Duration
	nerveBin                                    string
	out                                         string
	seed                                        int64
	// The fleet the table extrapolates to.
	hosts, hostBackends int
}

func parseFlags(args []string) (params, error) {
	var p params
	var modes string
	fs := flag.NewFlagSet("benchfleet", flag.ContinueOnError)
	fs.IntVar(&p.stacks, "stacks", 200, "N: synapse discovery stacks, each with its own ZooKeeper session")
	fs.IntVar(&p.services, "services", 50, "S: services every stack watches")
	fs.IntVar(&p.backends, "backends", 20, "B: backends per service")
	fs.IntVar(&p.nerves, "nerves", 50, "M: nerve processes sharing the S×B registrations, 1 s checks")
	fs.IntVar(&p.changes, "changes", 100, "changes timed for the fan-out")
	fs.StringVar(&modes, "modes", "persistent,classic", "zk_watch_mode values to measure, comma-separated")
	fs.DurationVar(&p.window, "window", 20*time.Second, "steady-state window for the request rate")
	fs.StringVar(&p.nerveBin, "nerve", "bin/nerve", "the nerve binary (make build)")
	fs.StringVar(&p.out, "out", "test/benchfleet/out/results.json", "JSON results file")
	fs.Int64Var(&p.seed, "seed", 1, "random seed for the changes")
	fs.IntVar(&p.hosts, "fleet-hosts", 10_000, "hosts of the extrapolated fleet")
	fs.IntVar(&p.hostBackends, "fleet-backends", 2_000, "backends each host's synapse watches in the extrapolated fleet")
	p.ensemble = 3
	if err := fs.Parse(args); err != nil {
		return p, err
	}
	for _, m := range strings.Split(modes, ",") {
		mode, err := zk.ParseWatchMode(strings.TrimSpace(m))
		if err != nil || mode == zk.WatchAuto {
			return p, fmt.Errorf("-modes: %q is not persistent or classic", m)
		}
		p.modes = append(p.modes, string(mode))
	}
	for name, v := range map[string]int{"-stacks": p.stacks, "-services": p.services, "-backends": p.backends, "-nerves": p.nerves, "-fleet-hosts": p.hosts, "-fleet-backends": p.hostBackends} {
		if v < 1 {
			return p, fmt.Errorf("%s: %d, want at least 1", name, v)
		}
	}
	if p.changes < 0 {
		return p, fmt.Errorf("-changes: %d is negative", p.changes)
	}
	return p, nil
}

func main() {
	p, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-fleet:", err)
		os.Exit(2)
	}
	if err := run(p); err != nil {
		fmt.Fprintln(os.Stderr, "bench-fleet:", err)
		os.Exit(1)
	}
}

func run(p params) error {
	if err := testutil.ZooKeeperInstalled(); err != nil {
		return err
	}
	if _, err := exec.LookPath("jcmd"); err != nil {
		return fmt.Errorf("the heap figures need jcmd, from a JDK: %w; apt-get install -y default-jdk-headless", err)
	}
	if _, err := os.Stat(p.nerveBin); err != nil {
		return fmt.Errorf("-nerve %s: %w (run make build)", p.nerveBin, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res := results{Params: p.export(), Machine: machine(), Started: time.Now().UTC()}
	for _, mode := range p.modes {
		r, err := runMode(ctx, p, mode)
		if err != nil {
			return fmt.Errorf("%s: %w", mode, err)
		}
		res.Modes = append(res.Modes, r)
	}
	res.Took = time.Since(res.Started)
	render(os.Stdout, p, res)
	return writeJSON(p.out, res)
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
