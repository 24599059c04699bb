package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// backend is one registered instance: what nerve would write, and where.
type backend struct {
	service string
	name    string // nerve's instance_id
	host    string
	port    int
	weight  int
	path    string // the znode, once created
}

// serverName is the name synapse gives the HAProxy server.
func (b *backend) serverName() string {
	return haproxy.ServerName(registration.Backend{
		Name: registration.StringValue(b.name), Host: b.host, Port: registration.NumberPort(b.port),
	})
}

func (b *backend) payload() ([]byte, error) {
	w := b.weight
	return registration.Marshal(registration.Registration{
		Host: b.host, Port: registration.NumberPort(b.port), Name: b.name, Weight: &w,
	})
}

var openACL = gozk.WorldACL(gozk.PermAll)

// createPath creates path and its parents as persistent znodes.
func createPath(zc *gozk.Conn, path string) error {
	at := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		at += "/" + part
		if _, err := zc.Create(at, nil, 0, openACL); err != nil && !errors.Is(err, gozk.ErrNodeExists) {
			return fmt.Errorf("create %s: %w", at, err)
		}
	}
	return nil
}

// register writes b as nerve does: an ephemeral sequential child named
// "<instance_id>_" under the service's path.
func register(zc *gozk.Conn, root string, b *backend) error {
	data, err := b.payload()
	if err != nil {
		return err
	}
	prefix := root + "/" + b.service + "/" + registration.PlainPrefix(b.name)
	p, err := zc.Create(prefix, data, gozk.FlagEphemeral|gozk.FlagSequence, openACL)
	if err != nil {
		return fmt.Errorf("register %s: %w", prefix, err)
	}
	b.path = p
	return nil
}

// deregister deletes b's znode, as nerve does when a check fails.
func deregister(zc *gozk.Conn, b *backend) error {
	if err := zc.Delete(b.path, -1); err != nil {
		return fmt.Errorf("deregister %s: %w", b.path, err)
	}
	return nil
}

// reweight rewrites b's payload with a new weight.
func reweight(zc *gozk.Conn, b *backend, weight int) error {
	b.weight = weight
	data, err := b.payload()
	if err != nil {
		return err
	}
	if _, err := zc.Set(b.path, data, -1); err != nil {
		return fmt.Errorf("reweight %s: %w", b.path, err)
	}
	return nil
}

// registerAll writes many backends over one connection with a few writers
// in flight: go-zookeeper pipelines concurrent requests.
func registerAll(ctx context.Context, zc *gozk.Conn, root string, bs []*backend) error {
	const writers = 16
	work := make(chan *backend)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for b := range work {
				if err := register(zc, root, b); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for _, b := range bs {
		select {
		case work <- b:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	return err
}

// makeBackends builds n backends per service. Each gets its own loopback
// address, so 50,000 of them never run out of ports; nothing listens there,
// which is fine: no health checks are configured.
func makeBackends(services []string, n int, seq *int) []*backend {
	var bs []*backend
	for _, s := range services {
		for range n {
			*seq++
			i := *seq
			bs = append(bs, &backend{
				service: s, name: fmt.Sprintf("i%d", i), port: 8080, weight: 1,
				host: fmt.Sprintf("127.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			})
		}
	}
	return bs
}

// createServices creates the services' parent znodes.
func createServices(zc *gozk.Conn, root string, services []string) error {
	for _, s := range services {
		if err := createPath(zc, root+"/"+s); err != nil {
			return err
		}
	}
	return nil
}

func serviceNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return out
}
