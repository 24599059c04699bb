package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// action is one disturbance; it returns what it did, for the event log.
type action struct {
	name string
	run  func(s *stack, r *rand.Rand) (string, error)
}

// actions are weighted by repetition: the everyday changes (flaps,
// deploys, registrations) more often than the faults.
var actions = []action{
	{"health flap", flap}, {"health flap", flap},
	{"deploy", deploy}, {"deploy", deploy},
	{"direct registration", register}, {"direct registration", register},
	{"renamed registrations", renamed},
	{"malformed znode", malformed},
	{"zookeeper member kill", zkMemberKill},
	{"synapse SIGKILL", synapseKill},
	{"nerve SIGKILL", nerveKill},
	{"SIGHUP storm", hupStorm},
}

// chosen is actions without the skipped ones (comma-separated names).
func chosen(skip string) []action {
	var out []action
	for _, a := range actions {
		if !slices.Contains(strings.Split(skip, ","), a.name) {
			out = append(out, a)
		}
	}
	return out
}

// checkSkip refuses a name no action has, so a typo does not go unnoticed.
func checkSkip(skip string) error {
	if skip == "" {
		return nil
	}
	var names []string
	for _, a := range actions {
		names = append(names, a.name)
	}
	for _, n := range strings.Split(skip, ",") {
		if !slices.Contains(names, n) {
			return fmt.Errorf("-skip: unknown disturbance %q (known: %s)", n, strings.Join(slices.Compact(names), ", "))
		}
	}
	if len(chosen(skip)) == 0 {
		return fmt.Errorf("-skip leaves no disturbance")
	}
	return nil
}

func (s *stack) managed() []*backend {
	var out []*backend
	for _, b := range s.backends {
		if b.nerve != nil {
			out = append(out, b)
		}
	}
	return out
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func pause(r *rand.Rand, lo, hi time.Duration) time.Duration {
	d := lo + time.Duration(r.Int64N(int64(hi-lo)))
	time.Sleep(d)
	return d
}

// flap turns a backend's health check to 500 (the demo backend toggles
// on SIGUSR1) and back.
func flap(s *stack, r *rand.Rand) (string, error) {
	b := pick(r, s.managed())
	if err := b.app.Signal(syscall.SIGUSR1); err != nil {
		return "", err
	}
	d := pause(r, 1*time.Second, 4*time.Second)
	return fmt.Sprintf("%s unhealthy for %v", b.name, d.Round(time.Millisecond)), b.app.Signal(syscall.SIGUSR1)
}

// deploy is the rolling-deploy step: maintenance, drained from HAProxy,
// restarted, back. A backend not drained within 30 s is restarted all
// the same (and said so): right after a nerve SIGKILL, the killed
// process's ephemeral node keeps the backend registered until that
// session expires, whatever the new nerve does.
func deploy(s *stack, r *rand.Rand) (string, error) {
	b := pick(r, s.managed())
	c := admin.NewClient(b.sock)
	if err := withTimeout(10*time.Second, func(ctx context.Context) error {
		_, err := c.MaintenanceDown(ctx, "web", "soak deploy", 0)
		return err
	}); err != nil {
		return "", fmt.Errorf("%s maint down: %w", b.name, err)
	}
	start := time.Now()
	drained := withTimeout(30*time.Second, func(ctx context.Context) error { return s.waitDrained(ctx, b.addr) })
	took := time.Since(start).Round(time.Millisecond)
	if err := b.app.Restart(syscall.SIGTERM); err != nil {
		return "", err
	}
	if err := withTimeout(10*time.Second, func(ctx context.Context) error {
		_, err := c.MaintenanceUp(ctx, "web")
		return err
	}); err != nil {
		return "", fmt.Errorf("%s maint up: %w", b.name, err)
	}
	if drained != nil {
		return fmt.Sprintf("%s restarted NOT DRAINED after %v: %v", b.name, took, drained), nil
	}
	return fmt.Sprintf("%s restarted (drained in %v)", b.name, took), nil
}

func withTimeout(d time.Duration, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return f(ctx)
}

// waitDrained polls show stat until HAProxy no longer routes to addr and
// has no session on it.
func (s *stack) waitDrained(ctx context.Context, addr string) error {
	for {
		servers, err := s.ha.Servers()
		drained := err == nil
		for _, sv := range servers {
			if sv.Addr == addr && (sv.Live() || sv.Sessions != "0") {
				drained = false
			}
		}
		if drained {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not drained from HAProxy: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// register writes a registration for a backend nerve does not manage, as
// another tool would, and removes it later.
func register(s *stack, r *rand.Rand) (string, error) {
	var direct []*backend
	for _, b := range s.backends {
		if b.nerve == nil {
			direct = append(direct, b)
		}
	}
	b := pick(r, direct)
	data := fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"%s"}`, b.port, b.name)
	path, err := s.zc.Create(zkRoot+"/soak_"+b.name+"_", []byte(data), gozk.FlagEphemeral|gozk.FlagSequence, gozk.WorldACL(gozk.PermAll))
	if err != nil {
		return "", fmt.Errorf("register %s: %w", b.name, err)
	}
	d := pause(r, 2*time.Second, 8*time.Second)
	return fmt.Sprintf("%s registered for %v", b.name, d.Round(time.Millisecond)), s.zc.Delete(path, -1)
}

// malformed writes a registration synapse must skip, then removes it.
func malformed(s *stack, r *rand.Rand) (string, error) {
	data := pick(r, []string{"not json {", `{"host":"127.0.0.1"}`, `{"host":"127.0.0.1","port":99999}`, `{"host":"","port":80}`, ""})
	path, err := s.zc.Create(zkRoot+"/malformed_", []byte(data), gozk.FlagSequence, gozk.WorldACL(gozk.PermAll))
	if err != nil {
		return "", fmt.Errorf("malformed znode: %w", err)
	}
	pause(r, 1*time.Second, 4*time.Second)
	return fmt.Sprintf("%q for a while", data), s.zc.Delete(path, -1)
}

// zkMemberKill stops one ensemble member for a few seconds (quorum holds).
func zkMemberKill(s *stack, r *rand.Rand) (string, error) {
	i := r.IntN(s.zk.Size())
	mode, _ := s.zk.Mode(i)
	if err := s.zk.KillNode(i); err != nil {
		return "", err
	}
	d := pause(r, 1*time.Second, 6*time.Second)
	return fmt.Sprintf("member %d (%s) down for %v", i, mode, d.Round(time.Millisecond)), s.zk.RestartNode(i)
}

func synapseKill(s *stack, r *rand.Rand) (string, error) {
	s.reloads.read(s.synMet)
	s.reloads.restarted()
	if err := s.synapse.Restart(syscall.SIGKILL); err != nil {
		return "", err
	}
	return "killed and started again", nil
}

func nerveKill(s *stack, r *rand.Rand) (string, error) {
	b := pick(r, s.managed())
	if err := b.nerve.Restart(syscall.SIGKILL); err != nil {
		return "", err
	}
	return b.name + "'s nerve killed and started again", nil
}

// hupStorm sends 20 SIGHUPs 20 ms apart to synapse and to one nerve.
func hupStorm(s *stack, r *rand.Rand) (string, error) {
	b := pick(r, s.managed())
	for range 20 {
		if err := s.synapse.Signal(syscall.SIGHUP); err != nil {
			return "", err
		}
		if err := b.nerve.Signal(syscall.SIGHUP); err != nil {
			return "", err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "synapse and " + b.name + "'s nerve", nil
}
