package testutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Traffic sends GET requests to one URL from a few workers until Stop and
// counts the answers: successes by body (a backend that answers with its
// name is counted by name), failures by cause.
type Traffic struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	ok     map[string]int
	failed map[string]int
	last   []string // the latest failures, for a report
}

// StartTraffic starts workers that each send a request, wait pause, and
// again. Each worker keeps its connection to HAProxy alive, as a real
// client does.
func StartTraffic(url string, workers int, pause time.Duration) *Traffic {
	ctx, cancel := context.WithCancel(context.Background())
	tr := &Traffic{cancel: cancel, ok: map[string]int{}, failed: map[string]int{}}
	for range workers {
		tr.wg.Add(1)
		go func() {
			defer tr.wg.Done()
			tr.work(ctx, url, pause)
		}()
	}
	return tr
}

func (tr *Traffic) work(ctx context.Context, url string, pause time.Duration) {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer c.CloseIdleConnections()
	for ctx.Err() == nil {
		body, cause := get(ctx, c, url)
		if ctx.Err() != nil {
			return // a request cut by Stop is not the system's failure
		}
		tr.record(body, cause)
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

func get(ctx context.Context, c *http.Client, url string) (body, cause string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", "request: " + err.Error()
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", FailureCause(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", "body: " + FailureCause(err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return strings.TrimSpace(string(b)), ""
}

// FailureCause names an error's class, so a report counts by cause
// rather than by every distinct message.
func FailureCause(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "EOF"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded), strings.Contains(err.Error(), "Timeout"):
		return "timeout"
	}
	return "other: " + err.Error()
}

func (tr *Traffic) record(body, cause string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if cause == "" {
		tr.ok[body]++
		return
	}
	tr.failed[cause]++
	tr.last = append(tr.last, time.Now().Format("15:04:05.000")+" "+cause)
	if len(tr.last) > 20 {
		tr.last = tr.last[1:]
	}
}

// OK returns the successes so far by body.
func (tr *Traffic) OK() map[string]int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return maps.Clone(tr.ok)
}

// Failed returns the failures so far by cause, and the latest few with
// their time.
func (tr *Traffic) Failed() (map[string]int, []string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return maps.Clone(tr.failed), append([]string(nil), tr.last...)
}

// Stop ends the workers and waits for them.
func (tr *Traffic) Stop() {
	tr.cancel()
	tr.wg.Wait()
}
