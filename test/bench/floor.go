package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// floorResult is the fastest a change can possibly reach HAProxy: one
// ZooKeeper watch round trip plus one runtime-API command round trip.
type floorResult struct {
	ZKWatch  summary `json:"zk_watch_ms"`
	Runtime  summary `json:"runtime_cmd_ms"`
	FloorMS  float64 `json:"floor_ms"` // ZKWatch.P50 + Runtime.P50
	Samples  int     `json:"samples"`
	Command  string  `json:"runtime_command"`
	ZKWatchD string  `json:"zk_watch_definition"`
}

// measureFloor times n of each round trip. The watch is timed from just
// before the create (the event may arrive before the create's answer) to
// the event; the runtime command as synapse sends it, on a fresh
// connection.
func measureFloor(ctx context.Context, e *env, n int) (floorResult, error) {
	res := floorResult{Samples: n, ZKWatchD: "child watch set on connection A, child created from connection B, time from create call to watch event"}
	zk, err := zkWatchSamples(ctx, e, n)
	if err != nil {
		return res, err
	}
	rt, cmd, err := runtimeSamples(ctx, e, n)
	if err != nil {
		return res, err
	}
	res.ZKWatch, res.Runtime, res.Command = summarize(zk), summarize(rt), cmd
	res.FloorMS = res.ZKWatch.P50 + res.Runtime.P50
	return res, nil
}

func zkWatchSamples(ctx context.Context, e *env, n int) ([]time.Duration, error) {
	watcher, err := connectZK(e.zk.Addrs())
	if err != nil {
		return nil, err
	}
	defer watcher.Close()
	root := "/bench/floor"
	if err := createPath(e.zc, root); err != nil {
		return nil, err
	}
	var out []time.Duration
	for i := range n {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		_, _, ch, err := watcher.ChildrenW(root)
		if err != nil {
			return nil, fmt.Errorf("watch %s: %w", root, err)
		}
		start := time.Now()
		if _, err := e.zc.Create(fmt.Sprintf("%s/c%d", root, i), nil, gozk.FlagEphemeral, openACL); err != nil {
			return nil, fmt.Errorf("create child: %w", err)
		}
		select {
		case <-ch:
			out = append(out, time.Since(start))
		case <-time.After(10 * time.Second):
			return nil, fmt.Errorf("child watch on %s did not fire in 10s", root)
		}
	}
	return out, nil
}

// runtimeSamples uses its own HAProxy with one static server, so nothing
// else competes for its CPU.
func runtimeSamples(ctx context.Context, e *env, n int) ([]time.Duration, string, error) {
	dir := filepath.Join(e.dir, "floor")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("floor dir: %w", err)
	}
	cfg := testutil.HAProxyConfig("backend b\n\tserver s 127.0.0.1:9\n")
	h, err := testutil.StartHAProxyProcess(dir, cfg)
	if err != nil {
		return nil, "", err
	}
	defer func() { _ = h.Stop() }()
	c := haproxy.New(h.StatsSocket)
	cmd := haproxy.SetServerStateCommand("b", "s", haproxy.Ready)
	var out []time.Duration
	for range n {
		start := time.Now()
		if _, err := c.Run(ctx, cmd); err != nil {
			return nil, "", fmt.Errorf("%s: %w", cmd, err)
		}
		out = append(out, time.Since(start))
	}
	return out, cmd, nil
}

// fourLetter sends a ZooKeeper four-letter word ("srvr" gives the version).
func fourLetter(addr, cmd string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", fmt.Errorf("dial %s: %w", addr, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte(cmd)); err != nil {
		return "", fmt.Errorf("write %s: %w", cmd, err)
	}
	b, err := io.ReadAll(conn)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", cmd, err)
	}
	return string(b), nil
}
