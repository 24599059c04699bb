package synapse

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/smartstack-go/smartstack/internal/adminsock"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
)

var _ admin.Controller = (*Daemon)(nil)

// openAdmin creates the admin socket. A socket that cannot be created is a
// start-up error, unless it is only the default path
// (Options.AdminSocketOptional): a synapse run by a user who cannot write
// /run/synapse still works, without `synapse status`. An unknown group is
// always an error: it was asked for explicitly.
func (d *Daemon) openAdmin() error {
	srv, err := adminsock.Open(adminsock.Options{Path: d.opts.AdminSocket, Group: d.opts.AdminGroup,
		Optional: d.opts.AdminSocketOptional, Log: d.log,
		Without: "`synapse status` will not reach this synapse"}, admin.Handler(d))
	if err != nil {
		return adminsock.ExitError(err)
	}
	d.mu.Lock()
	d.admin = srv
	d.mu.Unlock()
	return nil
}

func (d *Daemon) closeAdmin() {
	d.mu.Lock()
	srv := d.admin
	d.admin = nil
	d.mu.Unlock()
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		d.log.Warn("closing the admin socket", "err", err)
	}
}

// AdminSocketPath is the admin socket's path, "" when there is none.
func (d *Daemon) AdminSocketPath() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.admin == nil {
		return ""
	}
	return d.admin.Path()
}

// setReporters keeps the generators that can report their proxy's state,
// apart from genMu: a status request must not wait for an update (a
// check_command may take a minute).
func (d *Daemon) setReporters(gens map[string]generator.Generator) {
	var rs []generator.Reporter
	for _, name := range slices.Sorted(maps.Keys(gens)) {
		if r, ok := gens[name].(generator.Reporter); ok {
			rs = append(rs, r)
		}
	}
	d.mu.Lock()
	d.reporters = rs
	d.mu.Unlock()
}

// AdminStatus is Status with what each proxy runs: the admin socket's
// GET /v1/status.
func (d *Daemon) AdminStatus(ctx context.Context) admin.StatusResult {
	st := d.Status()
	d.mu.Lock()
	rs := d.reporters
	d.mu.Unlock()
	for _, r := range rs {
		rep := r.Report(ctx)
		for i := range st.Services {
			if ps, ok := rep.Services[st.Services[i].Name]; ok && rep.Generator == "haproxy" {
				st.Services[i].HAProxy = &ps
			}
		}
		st.Proxies = append(st.Proxies, rep)
	}
	return st
}
