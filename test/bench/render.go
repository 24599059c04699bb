package main

import (
	"fmt"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// timeRender renders the config synapse would for services and bs, n
// times, in this process: the pure generation cost, without ZooKeeper,
// file writes or HAProxy.
func timeRender(services []string, bs []*backend, n int) (summary, error) {
	in := renderInput(services, bs)
	var ds []time.Duration
	for range n {
		start := time.Now()
		res, err := haproxy.Render(in)
		if err != nil {
			return summary{}, fmt.Errorf("render: %w", err)
		}
		ds = append(ds, time.Since(start))
		in.ServerIDs = res.ServerIDs
	}
	return summarize(ds), nil
}

// renderInput mirrors synapseConfig: a listen "mode tcp" section per
// service, no port, nerve weights.
func renderInput(services []string, bs []*backend) haproxy.Input {
	cfg := haproxy.NewConfig()
	cfg.Global = []string{"stats socket /dev/null mode 600 level admin", "nbthread 1"}
	cfg.Defaults = []string{"mode tcp", "timeout connect 1s"}
	cfg.UseNerveWeights = true
	byService := map[string][]haproxy.Backend{}
	for _, b := range bs {
		byService[b.service] = append(byService[b.service], haproxy.Backend{Backend: registration.Backend{
			Name: registration.StringValue(b.name), Host: b.host, Port: registration.NumberPort(b.port),
			Weight: registration.IntValue(int64(b.weight)),
		}})
	}
	in := haproxy.Input{Config: &cfg, Seed: 1, Time: time.Now()}
	for _, s := range services {
		sc := &haproxy.ServiceConfig{Listen: []string{"mode tcp"}}
		sc.Normalize()
		in.Services = append(in.Services, haproxy.Service{Name: s, Config: sc, Backends: byService[s]})
	}
	return in
}
