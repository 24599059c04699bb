package haproxy_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// These tests run against the real HAProxy (2.6 here), started per test by
// testutil; the answers CheckAnswer expects are verified here.

const testTimeout = 5 * time.Second

type realHAProxy struct {
	*testutil.HAProxy
	admin, user *haproxy.Client
	port        int // a free port to point new servers at
}

// startReal starts HAProxy with backend "app" (roundrobin, servers s1 s2),
// backend "static" (static-rr) and a second, user-level stats socket.
func startReal(t *testing.T) realHAProxy {
	t.Helper()
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(fmt.Sprintf(`frontend fe
	bind 127.0.0.1:%d
	default_backend app

backend app
	balance roundrobin
	server s1 127.0.0.1:%d
	server s2 127.0.0.1:%d weight 5

backend static
	balance static-rr
	server a 127.0.0.1:%d
`, testutil.FreePort(t), testutil.FreePort(t), testutil.FreePort(t), testutil.FreePort(t))+
		"\nglobal\n\tstats socket "+testutil.HAProxyDirPlaceholder+"/user.sock mode 600 level user\n"))
	return realHAProxy{
		HAProxy: h,
		admin:   haproxy.New(h.StatsSocket, haproxy.WithTimeout(testTimeout)),
		user:    haproxy.New(filepath.Join(h.Dir, "user.sock"), haproxy.WithTimeout(testTimeout)),
		port:    testutil.FreePort(t),
	}
}

func serverState(t *testing.T, c *haproxy.Client, backend, server string) (haproxy.ServerState, bool) {
	t.Helper()
	states, err := c.ShowServersState(context.Background(), backend)
	if err != nil {
		t.Fatalf("show servers state %s: %v", backend, err)
	}
	for _, s := range states {
		if s.Name == server {
			return s, true
		}
	}
	return haproxy.ServerState{}, false
}

func TestRealShowInfo(t *testing.T) {
	h := startReal(t)
	info, err := h.admin.ShowInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !info.Version.AtLeast(2, 6) || info.Name != "HAProxy" || info.PID != h.WorkerPIDs()[0] {
		t.Fatalf("info = %+v, want HAProxy >= 2.6 served by worker %v", info, h.WorkerPIDs())
	}
}

func TestRealShowStat(t *testing.T) {
	h := startReal(t)
	rows, err := h.admin.ShowStat(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]haproxy.ProxyType{
		"fe/FRONTEND": haproxy.TypeFrontend, "app/s1": haproxy.TypeServer, "app/s2": haproxy.TypeServer,
		"app/BACKEND": haproxy.TypeBackend, "static/a": haproxy.TypeServer,
	}
	for _, r := range rows {
		if typ, ok := want[r.Proxy+"/"+r.Server]; ok && typ == r.Type {
			delete(want, r.Proxy+"/"+r.Server)
		}
		if r.Proxy == "app" && r.Server == "s2" && (r.Weight != 5 || r.SID != 2 || r.Status != "no check") {
			t.Errorf("app/s2 = status %q weight %d sid %d", r.Status, r.Weight, r.SID)
		}
	}
	if len(want) > 0 {
		t.Fatalf("show stat lacks %v", want)
	}
}

func TestRealDisableEnable(t *testing.T) {
	h := startReal(t)
	ctx := context.Background()
	if err := h.admin.DisableServer(ctx, "app", "s1"); err != nil {
		t.Fatal(err)
	}
	if s, _ := serverState(t, h.admin, "app", "s1"); !s.AdminState.Maint() {
		t.Fatalf("after disable: admin state %#x, want maintenance", s.AdminState)
	}
	if err := h.admin.SetServerState(ctx, "app", "s2", haproxy.Drain); err != nil {
		t.Fatal(err)
	}
	if s, _ := serverState(t, h.admin, "app", "s2"); !s.AdminState.Drain() {
		t.Fatalf("after drain: admin state %#x, want drain", s.AdminState)
	}
	if err := h.admin.EnableServer(ctx, "app", "s1"); err != nil {
		t.Fatal(err)
	}
	if s, _ := serverState(t, h.admin, "app", "s1"); s.AdminState != 0 || s.OpState != haproxy.OpRunning {
		t.Fatalf("after enable: admin %#x op %d, want ready and running", s.AdminState, s.OpState)
	}
}

func TestRealBatch(t *testing.T) {
	h := startReal(t)
	res, err := h.admin.Exec(context.Background(),
		haproxy.DisableServerCommand("app", "s1"),
		haproxy.SetWeightCommand("app", "s2", 7),
		haproxy.DelServerCommand("app", "nosuch"), // 2.6 answers it without the usual empty line
		"show version",
		"show servers state app",
		haproxy.EnableServerCommand("app", "s1"),
	)
	if err != nil {
		t.Fatal(err)
	}
	wantErr := []error{nil, nil, haproxy.ErrNoSuchServer, nil, nil, nil}
	for i, r := range res {
		if (wantErr[i] == nil) != (r.Err == nil) || !errors.Is(r.Err, wantErr[i]) {
			t.Errorf("result %d (%s) = %q, err %v; want err %v", i, r.Command, r.Answer, r.Err, wantErr[i])
		}
	}
	if v, err := haproxy.ParseVersion(res[3].Answer); err != nil || !v.AtLeast(2, 6) {
		t.Errorf("show version answer %q: %v", res[3].Answer, err)
	}
	states, err := haproxy.ParseServersState(res[4].Answer)
	if err != nil || len(states) != 2 || !states[0].AdminState.Maint() || states[1].UWeight != 7 {
		t.Fatalf("state inside the batch = %+v, %v; want s1 in maint, s2 weight 7", states, err)
	}
	if s, _ := serverState(t, h.admin, "app", "s1"); s.AdminState.Maint() {
		t.Fatal("the last command of the batch (enable s1) did not run")
	}
}

func TestRealCommandErrors(t *testing.T) {
	h := startReal(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		run     func() error
		command string
		want    error
	}{
		{"unknown server", func() error { return h.admin.DisableServer(ctx, "app", "nosuch") }, "disable server app/nosuch", haproxy.ErrNoSuchServer},
		{"unknown backend", func() error { _, err := h.admin.ShowServersState(ctx, "nob"); return err }, "show servers state nob", haproxy.ErrNoSuchBackend},
		{"unknown command", func() error { _, err := h.admin.Run(ctx, "frobnicate now"); return err }, "frobnicate now", haproxy.ErrUnknownCommand},
		{"user level", func() error { return h.user.DisableServer(ctx, "app", "s1") }, "disable server app/s1", haproxy.ErrPermissionDenied},
		{"weight out of range", func() error { return h.admin.SetWeight(ctx, "app", "s1", 999) }, "set server app/s1 weight 999", haproxy.ErrRejected},
		{"static LB weight", func() error { return h.admin.SetWeight(ctx, "static", "a", 3) }, "set server static/a weight 3", haproxy.ErrRejected},
		{"no health check", func() error { return h.admin.EnableHealth(ctx, "app", "s1") }, "enable health app/s1", haproxy.ErrRejected},
		{"del config server in service", func() error { return h.admin.DelServer(ctx, "app", "s1") }, "del server app/s1", haproxy.ErrNotInMaintenance},
		{"add to static backend", func() error { return h.admin.AddServer(ctx, "static", "x", "127.0.0.1:1") }, "add server static/x 127.0.0.1:1", haproxy.ErrRejected},
		{"add existing name", func() error { return h.admin.AddServer(ctx, "app", "s1", "127.0.0.1:1") }, "add server app/s1 127.0.0.1:1", haproxy.ErrServerExists},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			var ce *haproxy.CommandError
			if !errors.As(err, &ce) || ce.Command != tc.command || ce.Response == "" || !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want a CommandError for %q that is %v", err, tc.command, tc.want)
			}
		})
	}
}
