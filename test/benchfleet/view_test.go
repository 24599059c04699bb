package main

import (
	"context"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

func backend(host string, port int) registration.Backend {
	return registration.Backend{Host: host, Port: registration.NumberPort(port)}
}

func TestProbeWaitsForEveryStack(t *testing.T) {
	v := newView(3, []string{"a", "b"})
	old := []registration.Backend{backend("10.0.0.1", 80)}
	for s := range 3 {
		v.update(s, "a", old)
		v.update(s, "b", old)
	}
	if !v.complete(1) || v.complete(2) {
		t.Fatal("complete(1) should hold and complete(2) not")
	}
	p, err := v.arm(map[string]target{"a": {addr: "10.0.0.2:81", present: true}})
	if err != nil {
		t.Fatal(err)
	}
	added := append(old, backend("10.0.0.2", 81))
	v.update(0, "a", added)
	v.update(1, "b", added) // another service: does not count
	v.update(2, "a", added)
	select {
	case <-p.done:
		t.Fatal("done before stack 1 saw the change")
	default:
	}
	v.update(1, "a", added)
	at, err := p.wait(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !at[1].After(at[0]) && !at[1].Equal(at[0]) {
		t.Errorf("stack 1 met the target at %v, before stack 0 at %v", at[1], at[0])
	}
	for s, ts := range at {
		if ts.IsZero() {
			t.Errorf("stack %d has no time", s)
		}
	}
}

func TestProbeRemovalAndMetAtArm(t *testing.T) {
	v := newView(2, []string{"a", "b"})
	v.update(0, "a", []registration.Backend{backend("h", 1)})
	v.update(1, "a", []registration.Backend{backend("h", 1)})
	// Service b is empty everywhere: a target "h:2 gone" is met at once.
	p, err := v.arm(map[string]target{"a": {addr: "h:1", present: false}, "b": {addr: "h:2", present: false}})
	if err != nil {
		t.Fatal(err)
	}
	v.update(0, "a", nil)
	if _, err := p.wait(context.Background(), 10*time.Millisecond); err == nil {
		t.Fatal("done while stack 1 still has h:1")
	}
	v.update(1, "a", []registration.Backend{})
	if _, err := p.wait(context.Background(), time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := v.arm(map[string]target{"nope": {}}); err == nil {
		t.Error("arming an unknown service gave no error")
	}
}

func TestShare(t *testing.T) {
	shares, err := share([]string{"a", "b", "c"}, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(shares) != 5 {
		t.Fatalf("%d nerves, want 5", len(shares))
	}
	seen := map[string]bool{}
	total := 0
	for _, regs := range shares {
		if len(regs) < 2 || len(regs) > 3 {
			t.Errorf("a nerve got %d registrations, want 2 or 3 of 12 over 5", len(regs))
		}
		for _, r := range regs {
			k := r.service + " " + addr(r.host, r.port)
			if seen[k] {
				t.Errorf("%s registered twice", k)
			}
			seen[k] = true
			total++
		}
	}
	if total != 12 {
		t.Errorf("%d registrations, want 12", total)
	}
	if shares, _ := share([]string{"a"}, 2, 10); len(shares) != 2 {
		t.Errorf("more nerves than registrations: %d nerves, want 2", len(shares))
	}
	if _, err := share([]string{"a"}, 2, 0); err == nil {
		t.Error("no nerves gave no error")
	}
}

func TestParseFlags(t *testing.T) {
	p, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.stacks != 200 || p.services != 50 || p.backends != 20 || p.nerves != 50 || p.changes != 100 || len(p.modes) != 2 {
		t.Errorf("defaults: %+v", p)
	}
	for _, args := range [][]string{{"-modes", "auto"}, {"-modes", "persistent,bogus"}, {"-stacks", "0"}, {"-changes", "-1"}} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q) gave no error", args)
		}
	}
}
