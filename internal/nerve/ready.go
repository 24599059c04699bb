package nerve

import "fmt"

// checkReady makes the daemon ready (READY=1, /ready 200) once every
// configured service has made its first report: the registry then holds
// what the checks found, up or down. It is sticky: services added by a
// reload later do not make a ready nerve unready.
func (d *Daemon) checkReady() {
	if d.life.Ready() || d.nextUnreported() != nil {
		return
	}
	d.mu.Lock()
	n := len(d.workers)
	d.mu.Unlock()
	if d.life.MarkReady(fmt.Sprintf("serving: %d services reported", n)) {
		d.log.Info("ready: every service made its first report", "services", n)
	}
}

// nextUnreported is the first-report channel of a service that has not
// reported yet, so the main loop wakes when it does; nil when every one
// has, or once ready (a nil channel blocks its select case).
func (d *Daemon) nextUnreported() <-chan struct{} {
	if d.life.Ready() {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.workers {
		select {
		case <-s.st.reported:
		default:
			return s.st.reported
		}
	}
	return nil
}
