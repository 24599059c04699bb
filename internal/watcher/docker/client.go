package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// maxBody bounds a container listing; thousands of containers are a few MB.
const maxBody = 64 << 20

// listing is one server's answer to GET /containers/json.
type listing struct {
	containers []container
	err        error
}

// listAll lists every server at once, so one slow daemon costs one
// request_timeout per round rather than one per server. The goroutines end
// before listAll returns.
func (w *Watcher) listAll(ctx context.Context) []listing {
	out := make([]listing, len(w.cfg.Servers))
	var wg sync.WaitGroup
	for i, s := range w.cfg.Servers {
		wg.Go(func() {
			cs, err := w.list(ctx, s)
			out[i] = listing{containers: cs, err: err}
		})
	}
	wg.Wait()
	return out
}

// list is GET http://host:port/containers/json: the running containers.
func (w *Watcher) list(ctx context.Context, s Server) ([]container, error) {
	url := s.baseURL() + "/containers/json"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("docker %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("docker list containers: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("docker %s: read: %w", url, err)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("docker %s: %s: %.200s", url, resp.Status, body)
	case len(body) > maxBody:
		return nil, fmt.Errorf("docker %s: response larger than %d bytes", url, maxBody)
	}
	var cs []container
	if err := json.Unmarshal(body, &cs); err != nil {
		return nil, fmt.Errorf("docker %s: decode containers: %w", url, err)
	}
	return cs, nil
}
