package marathon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// task is the part of a Marathon v2 task the watcher reads. Ports stay raw
// so a port keeps its JSON type, as the original passes it through.
type task struct {
	ID        string            `json:"id"`
	Host      *string           `json:"host"`
	Ports     []json.RawMessage `json:"ports"`
	StartedAt json.RawMessage   `json:"startedAt"`
}

// tasksResponse is the body of GET /v2/apps/{app}/tasks. A missing "tasks"
// key reads as no tasks, as in the original.
type tasksResponse struct {
	Tasks []task `json:"tasks"`
}

// parseTasks turns a tasks response into backends, sorted by name. A body
// that is not a JSON object is an error (the original's fetch on an Array
// raises), so the last good backends stay.
func parseTasks(body []byte, portIndex int, log *slog.Logger) ([]registration.Backend, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("tasks response is not a JSON object: %.80q", trimmed)
	}
	var r tasksResponse
	if err := json.Unmarshal(trimmed, &r); err != nil {
		return nil, fmt.Errorf("decode tasks response: %w", err)
	}
	out := make([]registration.Backend, 0, len(r.Tasks))
	for _, t := range r.Tasks {
		if !started(t.StartedAt) {
			continue // staged, not running yet
		}
		b, err := t.backend(portIndex)
		if err != nil {
			log.Error("task skipped", "task", t.ID, "err", err)
			continue
		}
		out = append(out, b)
	}
	// Stable, so equal names keep Marathon's order from poll to poll.
	slices.SortStableFunc(out, func(a, b registration.Backend) int { return strings.Compare(a.Host, b.Host) })
	return out, nil
}

// started is Ruby truthiness of startedAt: anything but missing, null and
// false.
func started(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s != "" && s != "null" && s != "false"
}

// backend is {name: host, host: host, port: ports[portIndex]}.
func (t task) backend(portIndex int) (registration.Backend, error) {
	if t.Host == nil || *t.Host == "" {
		return registration.Backend{}, fmt.Errorf("task has no host")
	}
	if portIndex >= len(t.Ports) {
		return registration.Backend{}, fmt.Errorf("port index %d not found in task's port array %s", portIndex, t.portsText())
	}
	v, err := registration.ParseValue(t.Ports[portIndex])
	if err != nil {
		return registration.Backend{}, fmt.Errorf("ports[%d]: %w", portIndex, err)
	}
	p, err := registration.PortFromValue(v)
	if err != nil {
		return registration.Backend{}, fmt.Errorf("ports[%d]: %w", portIndex, err)
	}
	return registration.Backend{Name: registration.StringValue(*t.Host), Host: *t.Host, Port: p}, nil
}

func (t task) portsText() string {
	parts := make([]string, len(t.Ports))
	for i, p := range t.Ports {
		parts[i] = string(p)
	}
	return "[" + strings.Join(parts, ",") + "]"
}
