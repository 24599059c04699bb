package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// writer is the benchmark's own ZooKeeper client: it creates the service
// znodes, counts registrations and makes the changes that are timed.
type writer struct{ zc *gozk.Conn }

func dialWriter(hosts []string) (*writer, error) {
	zc, err := testutil.DialZooKeeper(hosts)
	if err != nil {
		return nil, err
	}
	return &writer{zc: zc}, nil
}

func (w *writer) close() { w.zc.Close() }

var openACL = gozk.WorldACL(gozk.PermAll)

// ensure creates path and its parents as persistent znodes.
func (w *writer) ensure(path string) error {
	at := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		at += "/" + part
		if _, err := w.zc.Create(at, nil, 0, openACL); err != nil && !errors.Is(err, gozk.ErrNodeExists) {
			return fmt.Errorf("create %s: %w", at, err)
		}
	}
	return nil
}

func (w *writer) children(path string) (int, error) {
	cs, _, err := w.zc.Children(path)
	if err != nil {
		return 0, fmt.Errorf("list %s: %w", path, err)
	}
	return len(cs), nil
}

// register writes a nerve-format registration as a persistent sequential
// child (persistent: it must outlive the writer's session across the
// ensemble restart) and returns its path.
func (w *writer) register(dir, name, host string, port int) (string, error) {
	data, err := registration.Marshal(registration.Registration{Host: host, Port: registration.NumberPort(port), Name: name})
	if err != nil {
		return "", err
	}
	p, err := w.zc.Create(dir+"/"+registration.PlainPrefix(name), data, gozk.FlagSequence, openACL)
	if err != nil {
		return "", fmt.Errorf("register under %s: %w", dir, err)
	}
	return p, nil
}

// registerRetry retries register while the client reconnects (after the
// ensemble restart), up to timeout.
func (w *writer) registerRetry(dir, name, host string, port int, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		p, err := w.register(dir, name, host, port)
		if err == nil || time.Now().After(deadline) {
			return p, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *writer) remove(path string) error {
	if err := w.zc.Delete(path, -1); err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	return nil
}
