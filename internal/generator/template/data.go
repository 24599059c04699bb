package template

import (
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
type Backend struct {
	Name      string
	Host      string
	Port      int
	Weight    int
	HasWeight bool
	Labels    map[string]string
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
	out := Backend{Host: b.Host, Labels: map[string]string{}}
	out.Name, _ = b.Name.AsString()
	out.Port, _ = b.PortInt() // Parse guarantees an integer port
	out.Weight, out.HasWeight = b.WeightInt()
	for _, m := range b.Labels.Members() {
		if s, ok := m.Value.AsString(); ok {
			out.Labels[m.Key] = s
		} else {
			out.Labels[m.Key] = m.Value.String()
		}
	}
	return out
}
