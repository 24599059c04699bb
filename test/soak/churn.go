package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// renameBurst is how many registrations one "renamed registrations"
// writes at once.
const renameBurst = 10

// renamed registers a direct backend under names never used before (the
// HAProxy server name comes from the registration's name), a burst of
// them, and removes them a few seconds later. The other disturbances
// reuse a handful of server names; these make every per-server record in
// synapse (ids, dynamic servers, drains, caches) see new keys, so state
// kept for servers long gone shows up in the live heap.
func renamed(s *stack, r *rand.Rand) (string, error) {
	var direct []*backend
	for _, b := range s.backends {
		if b.nerve == nil {
			direct = append(direct, b)
		}
	}
	b := pick(r, direct)
	first := s.renames + 1
	var paths []string
	var errs []error
	for range renameBurst {
		s.renames++
		data := fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"%s-n%d"}`, b.port, b.name, s.renames)
		path, err := s.zc.Create(zkRoot+"/soak_"+b.name+"_", []byte(data), gozk.FlagEphemeral|gozk.FlagSequence, gozk.WorldACL(gozk.PermAll))
		if err != nil {
			errs = append(errs, fmt.Errorf("register %s-n%d: %w", b.name, s.renames, err))
			continue
		}
		paths = append(paths, path)
	}
	d := pause(r, 2*time.Second, 8*time.Second)
	for _, p := range paths {
		if err := s.zc.Delete(p, -1); err != nil {
			errs = append(errs, fmt.Errorf("delete %s: %w", p, err))
		}
	}
	return fmt.Sprintf("%s as %s-n%d..n%d for %v", b.name, b.name, first, s.renames, d.Round(time.Millisecond)), errors.Join(errs...)
}
