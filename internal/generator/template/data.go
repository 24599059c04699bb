package template

import (
	"strings"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Data is what a template sees: the enabled services sorted by name.
type Data struct {
	Services []Service
}

// Service is one service and its backends in discovery order.
type Service struct {
	Name     string
	Backends []Backend
}

// Backend is a backend flattened for templates. Weight is 0 with
// HasWeight false when the registration has no integer weight; label
// values that are not strings appear as their JSON text.
//
// Name and Labels (keys and values) are escaped: registrations are written
// by whoever can reach the registry, and a template writes them into
// another program's config, where a ';', a quote or a space can end a
// directive. Every byte outside [A-Za-z0-9._:/@+=,~-] is written as %XX
// (so '%' itself is too), as in a URL: "a b;c" reads "a%20b%3Bc", and
// ordinary names such as "i-0abc" or "us-east-1a" are unchanged. RawName
// and RawLabels hold the values as registered, for a template that quotes
// them itself (the json and quote functions). Host is an IP address or a
// hostname and Port an integer, both checked when the registration
// arrived, so they need no escaping.
type Backend struct {
	Name      string
	Host      string
	Port      int
	Weight    int
	HasWeight bool
	Labels    map[string]string
	RawName   string
	RawLabels map[string]string
}

func buildData(services []generator.Service) Data {
	var d Data
	for _, s := range services {
		if sc, ok := s.Config.(ServiceConfig); !ok || sc.Disabled {
			continue
		}
		svc := Service{Name: s.Name, Backends: make([]Backend, 0, len(s.Backends))}
		for _, b := range s.Backends {
			svc.Backends = append(svc.Backends, flatten(b))
		}
		d.Services = append(d.Services, svc)
	}
	return d
}

func flatten(b registration.Backend) Backend {
	out := Backend{Host: b.Host, Labels: map[string]string{}, RawLabels: map[string]string{}}
	out.RawName, _ = b.Name.AsString()
	out.Name = escape(out.RawName)
	out.Port, _ = b.PortInt() // Parse guarantees an integer port
	out.Weight, out.HasWeight = b.WeightInt()
	for _, m := range b.Labels.Members() {
		v, ok := m.Value.AsString()
		if !ok {
			v = m.Value.String()
		}
		out.RawLabels[m.Key] = v
		out.Labels[escape(m.Key)] = escape(v)
	}
	return out
}

// escape percent-encodes every byte outside the safe set (see Backend).
func escape(s string) string {
	i := 0
	for i < len(s) && safe(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if c := s[i]; safe(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

func safe(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("._:/@+=,~-", c) >= 0
}
