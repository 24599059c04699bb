package dns

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	mdns "github.com/miekg/dns"
)

// queryTimeout bounds one question to one nameserver. The next nameserver
// is tried after it, so a dead first nameserver costs this much per round.
const queryTimeout = 2 * time.Second

// resolvConfPath is where the system nameservers are read from; a variable
// so tests can point it at their own server.
var resolvConfPath = "/etc/resolv.conf"

// errNXDOMAIN marks a name the nameserver says does not exist.
var errNXDOMAIN = errors.New("no such name (NXDOMAIN)")

// Resolver asks nameservers for A and AAAA records directly, like Ruby's
// Resolv::DNS: no /etc/hosts, no nsswitch. net.Resolver cannot do that (it
// always consults /etc/hosts first), hence github.com/miekg/dns.
type Resolver struct {
	nameservers []string // host:port; empty: /etc/resolv.conf at each round
}

// lookup returns host's addresses sorted as strings, as the original
// sorts them. An IP literal is returned as written, without a query.
func (r *Resolver) lookup(ctx context.Context, host string) ([]string, error) {
	if _, err := netip.ParseAddr(host); err == nil {
		return []string{host}, nil
	}
	servers, names, err := r.plan(host)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		addrs, err := lookupName(ctx, servers, name)
		if errors.Is(err, errNXDOMAIN) {
			continue // the next search domain may have it
		}
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		slices.Sort(addrs)
		return slices.Compact(addrs), nil
	}
	return nil, fmt.Errorf("resolve %s: %w", host, errNXDOMAIN)
}

// plan picks the nameservers and the names to ask. Configured nameservers
// get the name as absolute; the system ones get resolv.conf's search list
// and ndots, as the original's resolver applies them.
func (r *Resolver) plan(host string) (servers, names []string, err error) {
	if len(r.nameservers) > 0 {
		return r.nameservers, []string{mdns.Fqdn(host)}, nil
	}
	cc, err := mdns.ClientConfigFromFile(resolvConfPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read system nameservers: %w", err)
	}
	if len(cc.Servers) == 0 {
		return nil, nil, fmt.Errorf("read system nameservers: none in %s", resolvConfPath)
	}
	for _, s := range cc.Servers {
		servers = append(servers, nameserverJoin(s, cc.Port))
	}
	return servers, cc.NameList(host), nil
}

func nameserverJoin(host, port string) string {
	if a, err := netip.ParseAddr(host); err == nil && a.Is6() {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// lookupName asks for name's A and AAAA records. NXDOMAIN on both is
// errNXDOMAIN; an empty answer (no record of that type) is no address.
func lookupName(ctx context.Context, servers []string, name string) ([]string, error) {
	var addrs []string
	nx := 0
	for _, qtype := range []uint16{mdns.TypeA, mdns.TypeAAAA} {
		resp, err := exchange(ctx, servers, name, qtype)
		if err != nil {
			return nil, err
		}
		if resp.Rcode == mdns.RcodeNameError {
			nx++
			continue
		}
		addrs = append(addrs, answers(resp)...)
	}
	if nx == 2 {
		return nil, errNXDOMAIN
	}
	return addrs, nil
}

// answers lists the A and AAAA records of resp. A recursive nameserver
// answers a CNAME with the whole chain, so the addresses are all there.
func answers(resp *mdns.Msg) []string {
	var out []string
	for _, rr := range resp.Answer {
		switch a := rr.(type) {
		case *mdns.A:
			out = append(out, a.A.String())
		case *mdns.AAAA:
			out = append(out, a.AAAA.String())
		}
	}
	return out
}

// exchange asks the nameservers in order until one gives a usable answer.
// A truncated UDP answer is asked again over TCP.
func exchange(ctx context.Context, servers []string, name string, qtype uint16) (*mdns.Msg, error) {
	m := new(mdns.Msg)
	m.SetQuestion(name, qtype)
	var errs []error
	for _, addr := range servers {
		resp, err := ask(ctx, "udp", addr, m)
		if err == nil && resp.Truncated {
			resp, err = ask(ctx, "tcp", addr, m)
		}
		if err == nil && resp.Rcode != mdns.RcodeSuccess && resp.Rcode != mdns.RcodeNameError {
			err = fmt.Errorf("nameserver %s answered %s", addr, mdns.RcodeToString[resp.Rcode])
		}
		if err == nil {
			return resp, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("%s %s: %w", mdns.TypeToString[qtype], name, errors.Join(errs...))
}

func ask(ctx context.Context, network, addr string, m *mdns.Msg) (*mdns.Msg, error) {
	c := &mdns.Client{Net: network, Timeout: queryTimeout}
	resp, _, err := c.ExchangeContext(ctx, m, addr)
	if err != nil {
		return nil, fmt.Errorf("ask %s over %s: %w", addr, network, err)
	}
	return resp, nil
}
