package metrics

import "github.com/prometheus/client_golang/prometheus"

// Registries fills in the registry pair a daemon's options leave out.
// Neither set: one NewRegistry serves both. A Registerer that is also a
// Gatherer serves as both. Whichever is still missing gets an empty
// registry of its own, so the daemon never checks for nil.
func Registries(reg prometheus.Registerer, g prometheus.Gatherer) (prometheus.Registerer, prometheus.Gatherer) {
	if reg == nil && g == nil {
		r := NewRegistry()
		return r, r
	}
	if rg, ok := reg.(prometheus.Gatherer); ok && g == nil {
		g = rg
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	if g == nil {
		g = prometheus.NewRegistry()
	}
	return reg, g
}
