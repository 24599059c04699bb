package registry

import (
	"slices"
	"testing"
)

func TestRegistry(t *testing.T) {
	r := New[int]("thing")
	r.Register("b", 2)
	r.Register("a", 1)
	if v, ok := r.Lookup("a"); !ok || v != 1 {
		t.Fatalf("Lookup(a) = %d, %v", v, ok)
	}
	if _, ok := r.Lookup("zz"); ok {
		t.Fatal("Lookup of an unregistered name succeeded")
	}
	if got := r.Names(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("Names() = %v", got)
	}
	defer func() {
		if p := recover(); p != "duplicate registration of thing a" {
			t.Fatalf("duplicate panic = %v", p)
		}
	}()
	r.Register("a", 3)
}
