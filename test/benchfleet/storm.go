package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// storm is what the whole ensemble's restart costs.
type storm struct {
	// Outage: from stopping every member until all serve again.
	Outage time.Duration `json:"outage_ns"`
	// Resync: from the ensemble serving again until every stack saw a
	// registration written once it served (one per service), i.e. every
	// stack's view is current again; ResyncP50 is the median stack.
	Resync    time.Duration `json:"resync_ns"`
	ResyncP50 time.Duration `json:"resync_p50_ns"`
	// PeakOutstanding is the highest sum of zk_outstanding_requests over
	// the members, sampled every 50 ms from the restart on.
	PeakOutstanding int64 `json:"peak_outstanding"`
	// Requests: packets the members received from the restart until
	// every stack was current, as the meter adds them up.
	Requests int64 `json:"requests"`
	// Settled: from serving again until the ensemble's request rate fell
	// back near the steady rate; SettledRequests were received by then.
	Settled         time.Duration `json:"settled_ns"`
	SettledRequests int64         `json:"settled_requests"`
}

func measureStorm(ctx context.Context, e *ensemble, w *writer, v *view, services []string, steady float64) (s storm, err error) {
	m := startMeter(e)
	defer func() { s.PeakOutstanding, _ = m.stop() }()
	start := time.Now()
	if err := e.restart(); err != nil {
		return s, fmt.Errorf("restart the ensemble: %w", err)
	}
	serving := time.Now()
	s.Outage = serving.Sub(start)
	targets := map[string]target{}
	for i, svc := range services {
		targets[svc] = target{addr: markerAddr(i), present: true}
	}
	pr, err := v.arm(targets)
	if err != nil {
		return s, err
	}
	markers, err := writeMarkers(w, services)
	if err != nil {
		return s, err
	}
	at, err := pr.wait(ctx, 5*time.Minute)
	if err != nil {
		return s, fmt.Errorf("resync after the restart: %w", err)
	}
	_, s.Requests = m.read()
	ds := make([]time.Duration, len(at))
	for i, t := range at {
		ds[i] = max(0, t.Sub(serving))
	}
	sum := summarize(ds)
	s.Resync, s.ResyncP50 = sum.Max, sum.P50
	s.Settled, s.SettledRequests = settle(m, serving, steady)
	for _, p := range markers {
		if err := w.remove(p); err != nil {
			return s, err
		}
	}
	return s, nil
}

// A marker is service i's registration written after the restart.
const markerPort = 30000

func markerHost(i int) string { return fmt.Sprintf("10.3.%d.%d", i/250, i%250) }
func markerAddr(i int) string { return addr(markerHost(i), markerPort) }

// writeMarkers registers one new backend per service, all at once: one
// after the other, each would wait its turn in the storm's queue and the
// last would be written long after the ensemble could have served it.
func writeMarkers(w *writer, services []string) ([]string, error) {
	paths := make([]string, len(services))
	errs := make([]error, len(services))
	var wg sync.WaitGroup
	for i, svc := range services {
		wg.Go(func() {
			paths[i], errs[i] = w.registerRetry(root+"/"+svc, fmt.Sprintf("marker-%d", i), markerHost(i), markerPort, time.Minute)
		})
	}
	wg.Wait()
	return paths, errors.Join(errs...)
}

// settle waits until a second's requests are back within 1.5× the steady
// rate (plus 20 for noise), at most 60 s after serving, and returns how
// long after serving that was and the requests received by then.
func settle(m *meter, serving time.Time, steady float64) (time.Duration, int64) {
	_, prev := m.read()
	for time.Since(serving) < time.Minute {
		time.Sleep(time.Second)
		_, n := m.read()
		rate := float64(n - prev)
		prev = n
		if rate <= 1.5*steady+20 {
			break
		}
	}
	return time.Since(serving), prev
}
