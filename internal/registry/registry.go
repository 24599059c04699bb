// Package registry is the name → implementation map behind every pluggable
// axis (check types, reporter types, discovery methods, generators): one
// implementation of registering, looking up and listing, instead of four.
package registry

import (
	"slices"
	"sync"
)

// Registry maps names to implementations of one kind. The zero value is not
// usable; use New. Safe for concurrent use, though in practice writes happen
// in init() and reads afterwards.
type Registry[T any] struct {
	kind  string // "check type", "reporter type"... for panic messages
	mu    sync.RWMutex
	items map[string]T
}

// New returns an empty registry whose panics name kind.
func New[T any](kind string) *Registry[T] {
	return &Registry[T]{kind: kind, items: map[string]T{}}
}

// Register adds name. A duplicate panics: two packages claiming one name is
// a build mistake that any test catches.
func (r *Registry[T]) Register(name string, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.items[name]; dup {
		panic("duplicate registration of " + r.kind + " " + name)
	}
	r.items[name] = v
}

// Lookup returns the implementation registered under name.
func (r *Registry[T]) Lookup(name string) (T, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.items[name]
	return v, ok
}

// Names lists the registered names, sorted, for error messages.
func (r *Registry[T]) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.items))
	for n := range r.items {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
