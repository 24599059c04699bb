package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// ensemble is the benchmark's ZooKeeper: a testutil ensemble (every
// four-letter word allowed) plus what the benchmark reads from it.
type ensemble struct {
	z *testutil.ZooKeeper
	// own counts the four-letter words sent to each member since its
	// start: ZooKeeper counts each one in zk_packets_received, and the
	// benchmark's own sampling must not read as load.
	mu  sync.Mutex
	own []int64
}

func startEnsemble(size int) (*ensemble, error) {
	z, err := testutil.StartZooKeeperEnsembleProcess(size)
	if err != nil {
		return nil, err
	}
	return &ensemble{z: z, own: make([]int64, size)}, nil
}

// fourLetter sends cmd to member i and counts it if answered (a member
// that is down counts nothing). It returns the count including this
// command, which the reply already includes.
func (e *ensemble) fourLetter(i int, cmd string) (string, int64, error) {
	out, err := e.z.FourLetter(i, cmd)
	if err != nil {
		return "", 0, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.own[i]++
	return out, e.own[i], nil
}

func (e *ensemble) stop() error { return e.z.Stop() }

// member is what one member reports at one moment.
type member struct {
	Watches    wchs
	WatchCount int64 // mntr zk_watch_count: data and child watches
	HeapBytes  int64 // after a full GC
}

// inspect reads every member's watches and, after a full GC, its heap.
func (e *ensemble) inspect(ctx context.Context) ([]member, error) {
	out := make([]member, e.z.Size())
	for i := range out {
		w, err := e.wchs(i)
		if err != nil {
			return nil, err
		}
		m, err := e.mntr(i)
		if err != nil {
			return nil, err
		}
		wc, err := m.int("zk_watch_count")
		if err != nil {
			return nil, err
		}
		heap, err := e.heapAfterGC(ctx, i)
		if err != nil {
			return nil, err
		}
		out[i] = member{Watches: w, WatchCount: wc, HeapBytes: heap}
	}
	return out, nil
}

func (e *ensemble) wchs(i int) (wchs, error) {
	out, _, err := e.fourLetter(i, "wchs")
	if err != nil {
		return wchs{}, err
	}
	return parseWchs(out)
}

func (e *ensemble) mntr(i int) (mntr, error) {
	m, _, err := e.mntrOwn(i)
	return m, err
}

// mntrOwn is mntr with the count of this benchmark's own commands to
// member i, this one included.
func (e *ensemble) mntrOwn(i int) (mntr, int64, error) {
	out, own, err := e.fourLetter(i, "mntr")
	if err != nil {
		return nil, 0, err
	}
	m, err := parseMntr(out)
	return m, own, err
}

// packets sums zk_packets_received over the members, less the
// benchmark's own four-letter words. Each member counts from its own
// start, so a sum across a restart is since the restart.
func (e *ensemble) packets() (int64, error) {
	var sum int64
	for i := range e.z.Size() {
		m, own, err := e.mntrOwn(i)
		if err != nil {
			return 0, err
		}
		n, err := m.int("zk_packets_received")
		if err != nil {
			return 0, err
		}
		sum += max(0, n-own)
	}
	return sum, nil
}

// heapAfterGC runs a full GC in member i's JVM and reads its heap.
func (e *ensemble) heapAfterGC(ctx context.Context, i int) (int64, error) {
	pid, err := e.z.PID(i)
	if err != nil {
		return 0, err
	}
	if _, err := jcmd(ctx, pid, "GC.run"); err != nil {
		return 0, err
	}
	out, err := jcmd(ctx, pid, "GC.heap_info")
	if err != nil {
		return 0, err
	}
	return parseHeapInfo(out)
}

func jcmd(ctx context.Context, pid int, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "jcmd", strconv.Itoa(pid), command).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("jcmd %d %s: %w: %s", pid, command, err, truncate(string(out), 300))
	}
	return string(out), nil
}

// restart stops every member, then starts them all at once (one member
// alone cannot serve: it waits for a quorum) and returns when all serve.
func (e *ensemble) restart() error {
	n := e.z.Size()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = e.z.KillNode(i) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	e.mu.Lock()
	clear(e.own)
	e.mu.Unlock()
	for i := range n {
		wg.Go(func() { errs[i] = e.z.RestartNode(i) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
