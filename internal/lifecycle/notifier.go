// Package lifecycle is what a daemon tells the outside about its own
// state: sd_notify messages to the service manager (ready, reloading,
// stopping, a status line, the watchdog keep-alive) and the /ready and
// /healthz endpoints, both judged from the same facts. Daemons take a
// Notifier so tests can record the messages instead.
package lifecycle

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Notifier sends one sd_notify message (newline-separated KEY=VALUE
// assignments). Safe for concurrent use; errors are the notifier's own
// business, never the daemon's.
type Notifier interface {
	Notify(state string)
}

// Nop drops every message: no service manager is listening.
type Nop struct{}

// Notify does nothing.
func (Nop) Notify(string) {}

// Systemd sends to $NOTIFY_SOCKET. Without the variable every message is
// dropped silently; a send that fails is logged once, as a service manager
// that went away should not fill the log.
type Systemd struct {
	Log  *slog.Logger
	once sync.Once
}

// Notify sends state.
func (s *Systemd) Notify(state string) {
	if _, err := daemon.SdNotify(false, state); err != nil && s.Log != nil {
		s.once.Do(func() { s.Log.Warn("sd_notify failed; further failures are not logged", "err", err) })
	}
}

// Message names, as systemd spells them.
const (
	Ready    = daemon.SdNotifyReady
	Stopping = daemon.SdNotifyStopping
	Watchdog = daemon.SdNotifyWatchdog
)

// Reloading is RELOADING=1 with the MONOTONIC_USEC systemd wants beside it
// (Type=notify-reload refuses a reload message without it).
func Reloading() string {
	return daemon.SdNotifyReloading + "\n" + strings.TrimSpace(daemon.SdNotifyMonotonicUsec())
}

// Status is a STATUS= line; newlines would start new assignments, so they
// become "; ".
func Status(s string) string {
	return "STATUS=" + strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// WatchdogInterval is how often to send WATCHDOG=1: half of the
// $WATCHDOG_USEC systemd set for this process, 0 when it set none.
func WatchdogInterval() time.Duration {
	d, err := daemon.SdWatchdogEnabled(false)
	if err != nil || d <= 0 {
		return 0
	}
	return d / 2
}
