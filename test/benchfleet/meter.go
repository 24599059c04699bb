package main

import (
	"sync"
	"time"
)

// meter samples every member's mntr every 50 ms through the restart: the
// peak of their summed outstanding requests, and the requests they
// received. A member's counters start again whenever its server does (a
// restart, a new role after an election), so the meter adds up each
// member's increments between samples: a failed sample (the member is
// down) or a counter lower than the last one starts a new count, and only
// the increments in the last 50 ms before such a start are lost. Each
// sample is itself a packet and is subtracted.
type meter struct {
	e    *ensemble
	quit chan struct{}
	wg   sync.WaitGroup

	mu    sync.Mutex
	prev  []int64 // last zk_packets_received per member; -1: none since it (re)started
	total int64
	peak  int64
}

// startMeter takes a first sample of the running members (counted from
// there on) and starts sampling.
func startMeter(e *ensemble) *meter {
	m := &meter{e: e, quit: make(chan struct{}), prev: make([]int64, e.z.Size())}
	for i := range m.prev {
		m.prev[i] = -1
		if mn, err := e.mntr(i); err == nil {
			m.prev[i], _ = mn.int("zk_packets_received")
		}
	}
	m.wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.quit:
				return
			case <-t.C:
				m.tick()
			}
		}
	})
	return m
}

func (m *meter) tick() {
	var outstanding int64
	for i := range m.prev {
		mn, err := m.e.mntr(i)
		var raw, out int64
		if err == nil {
			raw, err = mn.int("zk_packets_received")
			out, _ = mn.int("zk_outstanding_requests")
		}
		m.mu.Lock()
		if err != nil {
			m.prev[i] = -1
		} else {
			m.total += received(m.prev[i], raw)
			m.prev[i] = raw
		}
		m.mu.Unlock()
		outstanding += out
	}
	m.mu.Lock()
	m.peak = max(m.peak, outstanding)
	m.mu.Unlock()
}

// received is what a member counted since the previous sample prev (-1:
// none since its counter started), less this sample's own packet.
func received(prev, raw int64) int64 {
	if prev < 0 || raw < prev {
		return max(0, raw-1)
	}
	return max(0, raw-prev-1)
}

// read returns the peak outstanding and the requests so far.
func (m *meter) read() (peak, requests int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak, m.total
}

// stop ends the sampling and returns read's figures.
func (m *meter) stop() (peak, requests int64) {
	close(m.quit)
	m.wg.Wait()
	return m.read()
}
