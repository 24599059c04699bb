package haproxy

import (
	"errors"
	"strconv"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// A restarted synapse whose config equals haproxy.cfg, which HAProxy
// runs, sends no reload; one whose file HAProxy has not loaded (written
// after its start by a synapse that did not reload) does.
func TestIntegrationRestartWithoutChangeDoesNotReload(t *testing.T) {
	r := startRealSetup(t)
	a, b := live("", "127.0.0.1", 4900), live("", "127.0.0.1", 4901)
	r.updateReloading(t, r.service(t, "", a, b))

	r.g = newTestGenerator(t, r.cfg, r.clock)
	before := r.mark(t)
	mustUpdate(t, r.g, r.service(t, "", a, b))
	r.checkNoReload(t, before)

	// HAProxy reports its uptime in whole seconds: let it pass one so the
	// next write is unmistakably later than the worker's start.
	testutil.Eventually(t, integrationTimeout, func() error {
		info, err := r.api.ShowInfo(t.Context())
		if err != nil {
			return err
		}
		if up, _ := strconv.Atoi(info.Raw["Uptime_sec"]); up < 2 {
			return errors.New("haproxy has run for less than 2 s")
		}
		return nil
	})
	noReload := *r.cfg
	noReload.DoReloads = false
	r.g = newTestGenerator(t, &noReload, r.clock)
	mustUpdate(t, r.g, r.service(t, ", timeout server 5s", a, b))
	r.g = newTestGenerator(t, r.cfg, r.clock)
	r.updateReloading(t, r.service(t, ", timeout server 5s", a, b))
}
