package haproxy

import (
	"context"
	"strings"
	"testing"
)

// InSync: a pending reload is not in sync (when synapse does reloads);
// with do_socket, a managed backend HAProxy does not show is not either.
func TestInSync(t *testing.T) {
	ctx := context.Background()
	g, _, _ := recordGenerator(t) // the fake socket shows backend svc
	recordUpdate(t, g, "1")
	if err := g.InSync(ctx); err != nil {
		t.Fatalf("do_reloads false: %v", err)
	}
	g.cfg.DoReloads = true
	g.reloads.add(reasonConfigChanged, "test")
	if err := g.InSync(ctx); err == nil || !strings.Contains(err.Error(), "reload pending: config_changed: test") {
		t.Fatalf("pending reload: %v", err)
	}
	g.reloads = reloads{}
	if err := g.InSync(ctx); err != nil {
		t.Fatalf("backend svc shown by the socket: %v", err)
	}
	g.lastIn[0].Name = "other" // a service whose backend HAProxy does not run
	if err := g.InSync(ctx); err == nil || !strings.Contains(err.Error(), "does not run backend other") {
		t.Fatalf("backend missing from the socket: %v", err)
	}
}
