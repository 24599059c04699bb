package testutil

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// TCPProxy forwards loopback TCP connections to a target and can simulate a
// network partition: Block cuts every live connection and holds new ones
// (accepted, nothing forwarded, like a black hole); Unblock forwards the held
// connections and every later one. A ZooKeeper client connected through it
// loses its server while the server keeps running, which is how the tests
// make a session expire for real.
type TCPProxy struct {
	target string
	ln     net.Listener
	done   chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	blocked bool
	gate    chan struct{} // closed by Unblock; replaced by Block
	closed  bool
	live    map[net.Conn]net.Conn // client side -> upstream side
}

const proxyDialTimeout = 2 * time.Second

// NewTCPProxy starts a proxy on a free 127.0.0.1 port to target and closes it
// on cleanup.
func NewTCPProxy(t testing.TB, target string) *TCPProxy {
	t.Helper()
	p, err := StartTCPProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// StartTCPProxy is NewTCPProxy without a test; the caller must Close it.
func StartTCPProxy(target string) (*TCPProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	gate := make(chan struct{})
	close(gate)
	p := &TCPProxy{target: target, ln: ln, done: make(chan struct{}), gate: gate, live: map[net.Conn]net.Conn{}}
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// Addr returns the proxy's listen address (127.0.0.1:port).
func (p *TCPProxy) Addr() string { return p.ln.Addr().String() }

// Block cuts every forwarded connection and holds new ones until Unblock.
func (p *TCPProxy) Block() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.blocked {
		p.blocked = true
		p.gate = make(chan struct{})
	}
	p.cutLocked()
}

// Unblock resumes forwarding, including the connections held meanwhile.
func (p *TCPProxy) Unblock() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.blocked {
		p.blocked = false
		close(p.gate)
	}
}

// Close stops the proxy, cuts every connection and waits for its goroutines.
func (p *TCPProxy) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.done)
		p.ln.Close()
		p.cutLocked()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *TCPProxy) cutLocked() {
	for c, up := range p.live {
		c.Close()
		up.Close()
	}
}

func (p *TCPProxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed by Close
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

func (p *TCPProxy) serve(c net.Conn) {
	defer p.wg.Done()
	defer c.Close()
	for p.waitOpen() {
		up, err := net.DialTimeout("tcp", p.target, proxyDialTimeout)
		if err != nil {
			return // the client sees EOF, as from a refused backend
		}
		if !p.goLive(c, up) {
			up.Close() // blocked again while dialing: hold the client anew
			continue
		}
		p.splice(c, up)
		return
	}
}

// waitOpen waits while blocked; false means the proxy closed.
func (p *TCPProxy) waitOpen() bool {
	p.mu.Lock()
	gate, closed := p.gate, p.closed
	p.mu.Unlock()
	if closed {
		return false
	}
	select {
	case <-gate:
		return true
	case <-p.done:
		return false
	}
}

func (p *TCPProxy) goLive(c, up net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.blocked || p.closed {
		return false
	}
	p.live[c] = up
	return true
}

// splice copies both ways until either side ends, then closes both.
func (p *TCPProxy) splice(c, up net.Conn) {
	upDone := make(chan struct{})
	go func() {
		defer close(upDone)
		_, _ = io.Copy(up, c) // an error just ends the connection
		c.Close()
		up.Close()
	}()
	_, _ = io.Copy(c, up)
	c.Close()
	up.Close()
	<-upDone
	p.mu.Lock()
	delete(p.live, c)
	p.mu.Unlock()
}
