package zk

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// TLS is how to reach ZooKeeper's secure client port: the CAs that may sign
// its certificate, an optional client certificate, and an optional server
// name to verify instead of each server address's host.
type TLS struct {
	roots      *x509.CertPool // nil: the system roots
	cert       *tls.Certificate
	serverName string
	id         string
}

// NewTLS builds a TLS from PEM data. caPEM empty trusts the system roots;
// certPEM and keyPEM are both given (a client certificate) or both empty;
// serverName empty verifies the host of each configured server address.
func NewTLS(caPEM, certPEM, keyPEM []byte, serverName string) (*TLS, error) {
	t := &TLS{serverName: serverName}
	if len(caPEM) > 0 {
		t.roots = x509.NewCertPool()
		if !t.roots.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("ca: no PEM certificate found")
		}
	}
	switch {
	case len(certPEM) > 0 && len(keyPEM) > 0:
		c, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("client certificate and key: %w", err)
		}
		t.cert = &c
	case len(certPEM) > 0:
		return nil, errors.New("client certificate without a key")
	case len(keyPEM) > 0:
		return nil, errors.New("client key without a certificate")
	}
	t.id = keyedHash("tls", string(caPEM), string(certPEM), string(keyPEM), serverName)
	return t, nil
}

// ID identifies the TLS material within this process (see Auth.ID).
func (t *TLS) ID() string { return t.id }

// String shows the shape, never the key.
func (t *TLS) String() string {
	if t == nil {
		return "<nil>"
	}
	return fmt.Sprintf("tls(custom_ca=%t client_cert=%t server_name=%q)", t.roots != nil, t.cert != nil, t.serverName)
}

// GoString covers %#v, which would otherwise print the private key.
func (t *TLS) GoString() string { return t.String() }

// LogValue keeps slog's handlers from reflecting the key.
func (t *TLS) LogValue() slog.Value { return slog.StringValue(t.String()) }

func (t *TLS) config(host string) *tls.Config {
	c := &tls.Config{RootCAs: t.roots, ServerName: t.serverName, MinVersion: tls.VersionTLS12}
	if c.ServerName == "" {
		c.ServerName = host
	}
	if t.cert != nil {
		c.Certificates = []tls.Certificate{*t.cert}
	}
	return c
}

// dialer returns the library's Dialer doing the TLS handshake within the
// connect timeout. Addresses reach it unresolved (see namedHosts), so
// ServerName is the host as configured, not an address DNS gave for it.
func (t *TLS) dialer(last *dialErrors) gozk.Dialer {
	return func(network, addr string, timeout time.Duration) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, last.note(fmt.Errorf("zk tls %s: %w", addr, err))
		}
		d := &net.Dialer{Timeout: timeout}
		c, err := tls.DialWithDialer(d, network, addr, t.config(host))
		if err != nil {
			return nil, last.note(fmt.Errorf("zk tls handshake with %s: %w", addr, err))
		}
		return &notingConn{Conn: c, addr: addr, errs: last}, nil
	}
}

// notingConn records read errors: with TLS 1.3 a server that refuses the
// client's certificate says so only in an alert after the handshake, which
// the library sees as a failed read and does not report.
type notingConn struct {
	net.Conn
	addr string
	errs *dialErrors
}

func (c *notingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.errs.note(fmt.Errorf("zk tls %s: %w", c.addr, err))
	}
	return n, err
}

// dialErrors keeps the last connection failure, so that a Connect that times out
// can say why (a certificate error is otherwise only in the library log).
type dialErrors struct {
	mu  sync.Mutex
	err error
}

func (d *dialErrors) note(err error) error {
	d.mu.Lock()
	d.err = err
	d.mu.Unlock()
	return err
}

func (d *dialErrors) last() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

func plainDialer(last *dialErrors) gozk.Dialer {
	return func(network, addr string, timeout time.Duration) (net.Conn, error) {
		c, err := net.DialTimeout(network, addr, timeout)
		if err != nil {
			return nil, last.note(err)
		}
		return c, nil
	}
}

// namedHosts is the library's HostProvider without the DNS step: with TLS
// the certificate names the host as configured, and the default provider
// would hand the dialer only the addresses it resolved. The dialer
// resolves each name when it dials (and tries every address it gets).
type namedHosts struct {
	mu      sync.Mutex
	servers []string
	curr    int
	last    int
}

func (h *namedHosts) Init(servers []string) error {
	if len(servers) == 0 {
		return errors.New("no zookeeper servers")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.servers = append([]string(nil), servers...)
	rand.Shuffle(len(h.servers), func(i, j int) { h.servers[i], h.servers[j] = h.servers[j], h.servers[i] })
	h.curr, h.last = -1, -1
	return nil
}

func (h *namedHosts) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.servers)
}

// Next mirrors the library's DNSHostProvider: retryStart is true once every
// server was tried since the last success.
func (h *namedHosts) Next() (server string, retryStart bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.curr = (h.curr + 1) % len(h.servers)
	retryStart = h.curr == h.last
	if h.last == -1 {
		h.last = 0
	}
	return h.servers[h.curr], retryStart
}

func (h *namedHosts) Connected() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = h.curr
}
