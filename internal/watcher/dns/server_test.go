package dns

import (
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	mdns "github.com/miekg/dns"
)

// fakeDNS is a real DNS server on loopback (UDP and TCP on one port),
// authoritative for whatever the test puts in it.
type fakeDNS struct {
	addr string

	mu      sync.Mutex
	records map[string][]string // fqdn → addresses; absent: NXDOMAIN
	rcode   int                 // forced answer code when not 0
	queries map[string]int      // "A name." → count
}

func startDNS(t *testing.T) *fakeDNS {
	t.Helper()
	f := &fakeDNS{records: map[string][]string{}, queries: map[string]int{}}
	pc, ln := listenPair(t)
	f.addr = pc.LocalAddr().String()
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

// listenPair binds UDP and TCP on the same free loopback port.
func listenPair(t *testing.T) (net.PacketConn, net.Listener) {
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

func (f *fakeDNS) set(name string, addrs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records[mdns.Fqdn(name)] = slices.Clone(addrs)
}

func (f *fakeDNS) del(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.records, mdns.Fqdn(name))
}

func (f *fakeDNS) setRcode(rc int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rcode = rc
}

// asked returns how often "TYPE name." was asked.
func (f *fakeDNS) asked(q string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queries[q]
}

func (f *fakeDNS) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for q := range f.queries {
		out = append(out, q)
	}
	return out
}

func (f *fakeDNS) ServeDNS(w mdns.ResponseWriter, r *mdns.Msg) {
	m := new(mdns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	f.answer(m, r.Question[0])
	if w.LocalAddr().Network() == "udp" {
		m.Truncate(mdns.MinMsgSize)
	}
	_ = w.WriteMsg(m)
}

func (f *fakeDNS) answer(m *mdns.Msg, q mdns.Question) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := strings.ToLower(q.Name)
	f.queries[mdns.TypeToString[q.Qtype]+" "+name]++
	addrs, ok := f.records[name]
	switch {
	case f.rcode != 0:
		m.Rcode = f.rcode
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
		case q.Qtype == mdns.TypeAAAA && ip.To4() == nil:
			m.Answer = append(m.Answer, &mdns.AAAA{Hdr: hdr, AAAA: ip})
		}
	}
}
