// Command soak runs the whole stack on loopback (a ZooKeeper ensemble,
// HAProxy, demo backends under their own nerves, one synapse) under
// continuous traffic for a while, with random health flaps, deploys,
// registrations and faults, and compares HAProxy's live servers with the
// registered backends in ZooKeeper as it goes. It prints what it saw and
// fails only on a divergence that outlasted the convergence window
// (docs/reliability.md).
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

type options struct {
	duration, window, every time.Duration
	backends, direct, zk    int
	seed                    uint64
	keep                    bool
	skip                    string
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 5*time.Minute, "how long to disturb the stack")
	flag.DurationVar(&o.window, "window", 5*time.Second, "a difference between HAProxy and ZooKeeper lasting longer is a divergence")
	flag.DurationVar(&o.every, "every", 50*time.Millisecond, "how often HAProxy is compared with ZooKeeper")
	flag.IntVar(&o.backends, "backends", 4, "backends under their own nerve")
	flag.IntVar(&o.direct, "direct", 2, "backends the soak registers itself")
	flag.IntVar(&o.zk, "zk", 3, "ZooKeeper ensemble size")
	flag.Uint64Var(&o.seed, "seed", uint64(time.Now().UnixNano()), "random seed (printed, to replay a run's choices)")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's directory (logs, configs)")
	flag.StringVar(&o.skip, "skip", "", `disturbances to leave out, comma-separated (e.g. "synapse SIGKILL,nerve SIGKILL" to watch one process's memory for the whole run)`)
	flag.Parse()
	if err := checkSkip(o.skip); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	code, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(o options) (int, error) {
	dir, err := os.MkdirTemp("", "smartstack-soak-")
	if err != nil {
		return 0, err
	}
	if o.keep {
		defer fmt.Println("soak: kept", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	// ZooKeeper and HAProxy make their dirs with os.MkdirTemp: in the
	// run's dir, so -keep keeps every log.
	if err := os.Setenv("TMPDIR", dir); err != nil {
		return 0, err
	}
	b, err := buildAll(filepath.Join(dir, "bin"))
	if err != nil {
		return 0, err
	}
	s, err := startStack(dir, b, o.zk, o.backends, o.direct)
	defer s.close()
	if err != nil {
		return 0, err
	}
	return soak(s, o)
}

// buildAll builds the daemons and the demo backend from this checkout.
func buildAll(dir string) (bins, error) {
	b := bins{nerve: filepath.Join(dir, "nerve"), synapse: filepath.Join(dir, "synapse"), backend: filepath.Join(dir, "demo-backend")}
	for out, pkg := range map[string]string{b.nerve: "./cmd/nerve", b.synapse: "./cmd/synapse", b.backend: "./examples/demo/backend"} {
		if err := testutil.GoBuild(out, pkg); err != nil {
			return b, err
		}
	}
	return b, nil
}

func logf(format string, args ...any) {
	fmt.Printf("%s  %s\n", time.Now().UTC().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// seeded is the run's random source; one goroutine (the chaos loop) uses it.
func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x5eed)) }
