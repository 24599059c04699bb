package nerve

import (
	"context"
	"sort"
	"time"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// openAdmin creates the admin socket, the only way to change the running
// daemon's state. A socket that cannot be created is a startup error,
// unless it is only the default path (Options.AdminSocketOptional): a
// nerve run by a user who cannot write /run/nerve still works, without it.
// An unknown group is always an error: it was asked for explicitly.
func (d *Daemon) openAdmin() error {
	if d.opts.AdminSocket == "" {
		return nil
	}
	gid, err := admin.LookupGroup(d.opts.AdminGroup)
	if err != nil {
		return cliutil.ConfigError(err)
	}
	srv, err := admin.Start(d.opts.AdminSocket, gid, d, d.log)
	if err != nil {
		if d.opts.AdminSocketOptional {
			d.log.Warn("running without the admin socket: maintenance can only be changed through the maintenance directory",
				"err", err)
			return nil
		}
		return cliutil.StartupError(err)
	}
	d.admin = srv
	d.log.Info("serving the admin socket", "path", srv.Path(), "group", d.opts.AdminGroup)
	return nil
}

func (d *Daemon) closeAdmin() {
	if d.admin == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := d.admin.Close(ctx); err != nil {
		d.log.Warn("closing the admin socket", "err", err)
	}
	d.admin = nil
}

// SetMaintenance takes service ("all" for every one) out of rotation or
// back, and runs its worker's next round at once. A name the running
// config does not have is refused (*admin.UnknownServiceError) and leaves
// no spool file behind.
func (d *Daemon) SetMaintenance(service string, down bool, reason string) error {
	if err := d.knownService(service); err != nil {
		return err
	}
	var err error
	if down {
		if reason == "" {
			reason = admin.DefaultReason
		}
		err = d.spool.set(service, reason)
	} else {
		err = d.spool.clear(service)
	}
	if err != nil {
		return err
	}
	d.log.Info("maintenance changed", "service", service, "down", down, "reason", reason)
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, s := range d.workers {
		if service == spoolAll || name == service {
			s.wake()
		}
	}
	return nil
}

func (d *Daemon) knownService(service string) error {
	if service == spoolAll {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.workers[service]; ok {
		return nil
	}
	known := make([]string, 0, len(d.workers))
	for name := range d.workers {
		known = append(known, name)
	}
	sort.Strings(known)
	return &admin.UnknownServiceError{Service: service, Known: known}
}

var _ admin.Controller = (*Daemon)(nil)

// errNoSpool refuses maintenance when there is no directory to keep it in.
var errNoSpool = admin.Unavailable("maintenance is disabled: nerve runs without a maintenance directory (--maintenance-dir)")
