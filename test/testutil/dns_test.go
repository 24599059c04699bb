package testutil

import (
	"context"
	"net"
	"slices"
	"testing"

	mdns "github.com/miekg/dns"
)

func TestDNSServer(t *testing.T) {
	f := StartDNS(t)
	f.Set("Web.Test", "127.0.0.2", "::1", "127.0.0.3")
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, f.Addr)
	}}
	for _, tc := range []struct {
		network string
		want    []string
	}{
		{"ip4", []string{"127.0.0.2", "127.0.0.3"}},
		{"ip6", []string{"::1"}},
	} {
		t.Run(tc.network, func(t *testing.T) {
			ips, err := r.LookupIP(context.Background(), tc.network, "web.test.")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ip := range ips {
				got = append(got, ip.String())
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("%s: %v, want %v", tc.network, got, tc.want)
			}
		})
	}
	if got := f.Questions(); !slices.Contains(got, "A web.test.") || !slices.Contains(got, "AAAA web.test.") {
		t.Errorf("questions %v, want A and AAAA web.test.", got)
	}
	if n := f.Asked("A web.test."); n < 1 {
		t.Errorf("A web.test. asked %d times, want at least once", n)
	}
	f.Delete("web.test")
	_, err := r.LookupIP(context.Background(), "ip4", "web.test.")
	if de, ok := err.(*net.DNSError); !ok || !de.IsNotFound {
		t.Fatalf("deleted name: %v, want NXDOMAIN", err)
	}
	f.Set("web.test", "127.0.0.2")
	f.SetRcode(mdns.RcodeServerFailure)
	_, err = r.LookupIP(context.Background(), "ip4", "web.test.")
	if de, ok := err.(*net.DNSError); !ok || de.IsNotFound || de.Err != "server misbehaving" {
		t.Fatalf("SERVFAIL: %v, want the resolver's server misbehaving", err)
	}
}
