package testutil

import (
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	mdns "github.com/miekg/dns"
)

// DNSServer is a real DNS server on loopback (UDP and TCP on one port),
// authoritative for the A and AAAA records a test sets; any other name is
// NXDOMAIN. Point a resolver at Addr (the dns watchers' `nameserver`).
// It counts the questions, for tests of what a resolver asks how often.
type DNSServer struct {
	// Addr is 127.0.0.1:<port>, for UDP and TCP alike.
	Addr string

	mu      sync.Mutex
	records map[string][]string // fqdn → addresses
	rcode   int                 // forced answer code when not 0
	asked   map[string]int      // "A name." → count
}

// StartDNS starts a DNS server that is shut down on cleanup.
func StartDNS(t testing.TB) *DNSServer {
	t.Helper()
	f := &DNSServer{records: map[string][]string{}, asked: map[string]int{}}
	pc, ln := dnsListenPair(t)
	f.Addr = pc.LocalAddr().String()
	for _, s := range []*mdns.Server{{PacketConn: pc, Handler: f}, {Listener: ln, Handler: f}} {
		started := make(chan struct{})
		s.NotifyStartedFunc = func() { close(started) }
		done := make(chan error, 1)
		go func() { done <- s.ActivateAndServe() }()
		<-started
		t.Cleanup(func() { _ = s.Shutdown(); <-done })
	}
	return f
}

// dnsListenPair binds UDP and TCP on the same free loopback port: a
// resolver falls back to TCP on a truncated answer.
func dnsListenPair(t testing.TB) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln
		}
		_ = pc.Close()
	}
	t.Fatal("no free UDP+TCP port pair on 127.0.0.1")
	return nil, nil
}

// Set makes name resolve to addrs (IPv4 for A, IPv6 for AAAA); no addrs
// is a name without addresses (NOERROR, empty answer).
func (f *DNSServer) Set(name string, addrs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records[mdns.Fqdn(strings.ToLower(name))] = slices.Clone(addrs)
}

// Delete makes name NXDOMAIN.
func (f *DNSServer) Delete(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.records, mdns.Fqdn(strings.ToLower(name)))
}

// SetRcode makes every answer rc (mdns.RcodeServerFailure: a broken
// server); 0 answers from the records again.
func (f *DNSServer) SetRcode(rc int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rcode = rc
}

// Asked returns how often question q ("A name.", lower case) was asked.
func (f *DNSServer) Asked(q string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[q]
}

// Questions returns every question asked so far, once each, in no order.
func (f *DNSServer) Questions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Collect(maps.Keys(f.asked))
}

// ServeDNS implements mdns.Handler.
func (f *DNSServer) ServeDNS(w mdns.ResponseWriter, r *mdns.Msg) {
	m := new(mdns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	if len(r.Question) == 1 {
		f.answer(m, r.Question[0])
	}
	if w.LocalAddr().Network() == "udp" {
		m.Truncate(mdns.MinMsgSize)
	}
	_ = w.WriteMsg(m)
}

func (f *DNSServer) answer(m *mdns.Msg, q mdns.Question) {
	name := strings.ToLower(q.Name)
	f.mu.Lock()
	f.asked[mdns.TypeToString[q.Qtype]+" "+name]++
	addrs, ok := f.records[name]
	rcode := f.rcode
	f.mu.Unlock()
	switch {
	case rcode != 0:
		m.Rcode = rcode
		return
	case !ok:
		m.Rcode = mdns.RcodeNameError
		return
	}
	hdr := mdns.RR_Header{Name: q.Name, Class: mdns.ClassINET, Ttl: 5, Rrtype: q.Qtype}
	for _, a := range addrs {
		ip := net.ParseIP(a)
		switch {
		case q.Qtype == mdns.TypeA && ip.To4() != nil:
			m.Answer = append(m.Answer, &mdns.A{Hdr: hdr, A: ip})
		case q.Qtype == mdns.TypeAAAA && ip != nil && ip.To4() == nil:
			m.Answer = append(m.Answer, &mdns.AAAA{Hdr: hdr, AAAA: ip})
		}
	}
}
