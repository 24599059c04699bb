package nerve

import (
	"context"
	"sort"
	"time"

	"github.com/smartstack-go/smartstack/internal/adminsock"
	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// openAdmin creates the admin socket, the only way to change the running
// daemon's state. A socket that cannot be created is a startup error,
// unless it is only the default path (Options.AdminSocketOptional): a
// nerve run by a user who cannot write /run/nerve still works, without it.
// An unknown group is always an error: it was asked for explicitly.
func (d *Daemon) openAdmin() error {
	srv, err := adminsock.Open(adminsock.Options{Path: d.opts.AdminSocket, Group: d.opts.AdminGroup,
		Optional: d.opts.AdminSocketOptional, Log: d.log,
		Without: "maintenance can only be changed through the maintenance directory"}, admin.Handler(d, d.log))
	if err != nil {
		return adminsock.ExitError(err)
	}
	d.admin = srv
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
// back, and runs its worker's next round at once. A positive dur is stored
// in the spool file as its expiry, so it survives a restart. A name the
// running config does not have is refused (*admin.UnknownServiceError)
// and leaves no spool file behind.
func (d *Daemon) SetMaintenance(service string, down bool, reason string, dur time.Duration) (time.Time, error) {
	if err := d.knownService(service); err != nil {
		return time.Time{}, err
	}
	var expires time.Time
	var err error
	if down {
		if reason == "" {
			reason = admin.DefaultReason
		}
		if dur > 0 {
			expires = d.opts.Clock().Add(dur).Truncate(time.Millisecond)
		}
		err = d.spool.set(service, reason, expires)
	} else {
		err = d.spool.clear(service)
	}
	if err != nil {
		return time.Time{}, err
	}
	d.log.Info("maintenance changed", "service", service, "down", down, "reason", reason, "expires", fmtExpiry(expires))
	d.wakeWorkers(service)
	return expires, nil
}

func (d *Daemon) wakeWorkers(service string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, s := range d.workers {
		if service == spoolAll || name == service {
			s.wake()
		}
	}
}

func (d *Daemon) knownService(service string) error {
	if service == spoolAll {
		return nil
	}
	d.mu.Lock()
	_, ok := d.workers[service]
	d.mu.Unlock()
	if ok {
		return nil
	}
	return d.unknown(service)
}

// unknown is the refusal of service, listing the configured ones.
func (d *Daemon) unknown(service string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
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
