package reporter

import (
	"errors"
	"io"
	"testing"
)

type closer struct{ closed int }

func (c *closer) Close() error { c.closed++; return nil }

func TestPoolSharesAndClosesOnLastRelease(t *testing.T) {
	p := NewPool()
	opened := 0
	open := func() (io.Closer, error) { opened++; return &closer{}, nil }
	a, relA, err := p.Acquire("zk1,zk2", open)
	if err != nil {
		t.Fatal(err)
	}
	b, relB, _ := p.Acquire("zk1,zk2", open)
	if a != b || opened != 1 {
		t.Fatalf("want one shared connection, opened %d", opened)
	}
	relA()
	relA() // a second release of the same handle must not count twice
	if c := a.(*closer); c.closed != 0 {
		t.Fatal("closed while still in use")
	}
	relB()
	if c := a.(*closer); c.closed != 1 {
		t.Fatalf("closed %d times, want 1", c.closed)
	}
	if p.Len() != 0 {
		t.Fatalf("pool has %d entries after last release", p.Len())
	}
	if _, _, err := p.Acquire("x", func() (io.Closer, error) { return nil, errors.New("boom") }); err == nil || p.Len() != 0 {
		t.Fatalf("failed open: err %v, len %d", err, p.Len())
	}
}
