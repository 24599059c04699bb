package marathon

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// maxBody bounds a tasks response; thousands of tasks are a few MB.
const maxBody = 64 << 20

// poll fetches the tasks once and turns them into backends.
func (w *Watcher) poll(ctx context.Context) ([]registration.Backend, error) {
	body, err := w.get(ctx)
	if err != nil {
		return nil, err
	}
	return parseTasks(body, w.cfg.PortIndex, w.log)
}

// get is GET <endpoint> with Accept: application/json, as the original
// sends it; any status but 200 is an error.
func (w *Watcher) get(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.endpoint.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("marathon request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("marathon get tasks: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("marathon read tasks: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("marathon get tasks: %s: %.200s", resp.Status, body)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("marathon tasks response larger than %d bytes", maxBody)
	}
	return body, nil
}
