package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// nerves are M bin/nerve processes, the real daemon: each is a host with
// its own ZooKeeper session, its own reporter pool and its own check
// rounds, as on a fleet. Processes rather than in-process daemons because
// nerve's session pool and signal handling are per process; 50 idle Go
// processes cost little memory and CPU next to the 200 stacks.
type nerves struct {
	procs []*exec.Cmd
	done  []chan struct{}
}

// registration is one service instance a nerve registers.
type registrationSpec struct {
	service string // znode root + "/" + service
	host    string
	port    int
}

// nerveConfig is host i's nerve config: its share of the registrations,
// each checked every second with a noop check. The check's own cost is
// nerve's (docs/benchmarks.md), not ZooKeeper's; the round, the report and
// the ZooKeeper traffic it causes are the real path.
func nerveConfig(i int, hosts []string, root string, regs []registrationSpec) map[string]any {
	services := map[string]any{}
	for j, r := range regs {
		services[fmt.Sprintf("%s_%d", r.service, j)] = map[string]any{
			"host": r.host, "port": r.port, "reporter_type": "zookeeper",
			"zk_hosts": hosts, "zk_path": root + "/" + r.service, "check_interval": 1,
			"checks": []map[string]any{{"type": "noop"}},
		}
	}
	return map[string]any{"instance_id": fmt.Sprintf("host-%03d", i), "services": services}
}

// startNerves starts one nerve per element of shares.
func startNerves(bin, dir string, hosts []string, root string, shares [][]registrationSpec) (*nerves, error) {
	ns := &nerves{}
	for i, regs := range shares {
		if err := ns.start(bin, dir, i, nerveConfig(i, hosts, root, regs)); err != nil {
			ns.stop()
			return nil, err
		}
	}
	return ns, nil
}

func (ns *nerves) start(bin, dir string, i int, cfg map[string]any) error {
	path := filepath.Join(dir, fmt.Sprintf("nerve-%03d.json", i))
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	logf, err := os.Create(filepath.Join(dir, fmt.Sprintf("nerve-%03d.log", i)))
	if err != nil {
		return fmt.Errorf("nerve log: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, "-c", path, "--admin-socket=", "--maintenance-dir=", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start nerve %d: %w", i, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	ns.procs, ns.done = append(ns.procs, cmd), append(ns.done, done)
	return nil
}

// exited returns an error naming the first nerve that is no longer running.
func (ns *nerves) exited() error {
	for i, d := range ns.done {
		select {
		case <-d:
			return fmt.Errorf("nerve %d exited (pid %d); see its log", i, ns.procs[i].Process.Pid)
		default:
		}
	}
	return nil
}

// stop sends each nerve SIGTERM (it deregisters) and waits, SIGKILL after 5 s.
func (ns *nerves) stop() {
	for _, c := range ns.procs {
		_ = c.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.After(5 * time.Second)
	for i, d := range ns.done {
		select {
		case <-d:
		case <-deadline:
			_ = ns.procs[i].Process.Kill()
			<-d
		}
	}
}

// share deals the S×B registrations out to m nerves round-robin.
func share(services []string, perService, m int) ([][]registrationSpec, error) {
	if m < 1 {
		return nil, errors.New("-nerves: want at least 1")
	}
	m = min(m, len(services)*perService)
	out := make([][]registrationSpec, m)
	k := 0
	for s, svc := range services {
		for b := range perService {
			r := registrationSpec{service: svc, host: fmt.Sprintf("10.1.%d.%d", s/250, s%250), port: 10000 + b}
			out[k%m] = append(out[k%m], r)
			k++
		}
	}
	return out, nil
}
