package haproxy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// socketBatchSize is how many commands share one connection. The original
// sends 4; a larger batch turns a deploy into fewer round trips while the
// line (with pkg/haproxy's framing command after each) stays far below
// HAProxy's 16 KiB buffer.
const socketBatchSize = 16

// desiredProxy is what synapse wants of one HAProxy backend it manages.
// Issue 6 (add/del server) extends this plan; enable/disable is all the
// original does.
type desiredProxy struct {
	service string
	// disabled services keep every server of their backend in maintenance.
	disabled bool
	// live are the server names of the live backends, in watcher order;
	// shared with the inputs, so replaced, never appended to in place.
	live []string
	// mech is how new and removed servers reach HAProxy; with
	// mechDynamic, rendered (this generation) and old (the previous one,
	// nil at first) are the backend's stanzas.
	mech          mechanism
	rendered, old *renderedBackend
	// backend is the HAProxy backend name; refill holds, with mechSlots,
	// the commands that fill each slot (slots.go).
	backend string
	refill  map[string][]string // slot name to its setup commands
}

// desiredProxies maps backend names (backend_name, else the service name)
// to the services that own them. Services without a haproxy section are
// not managed, so their namesakes in HAProxy are left alone.
func desiredProxies(in []Service) map[string]*desiredProxy {
	want := map[string]*desiredProxy{}
	for _, svc := range in {
		if svc.Config == nil {
			continue
		}
		name := svc.Config.backendName(svc.Name)
		d := &desiredProxy{service: svc.Name, backend: name, disabled: svc.Config.Disabled, mech: mechReload, live: svc.names}
		if d.live == nil {
			for _, b := range svc.Backends {
				d.live = append(d.live, ServerName(b.Backend))
			}
		}
		want[name] = d
	}
	return want
}

// socketPlan is the outcome of comparing `show stat` with what is wanted.
type socketPlan struct {
	commands []string
	reasons  []reloadReason
	// status is each commanded server's status once HAProxy took it.
	status map[serverRef]string
}

// planSocket decides the enable/disable commands for one socket, in `show
// stat` order. Servers of backends synapse does not manage are left alone
// (the original disables them). A wanted backend or server that HAProxy
// does not run needs a reload.
func planSocket(rows []hapi.StatRow, running map[string]map[string]bool, want map[string]*desiredProxy) socketPlan {
	p := socketPlan{status: map[serverRef]string{}}
	enabled := p.checkRunning(running, want)
	for _, r := range rows {
		if r.Type != hapi.TypeServer || want[r.Proxy] == nil {
			continue
		}
		switch {
		case want[r.Proxy].dropsAtRuntime(r.Server), want[r.Proxy].refill[r.Server] != nil:
			// planDynamic deletes it, or fillSlots readies it once set up.
		case enabled[r.Proxy][r.Server]:
			// DOWN by health check also gets "enable server", as in the
			// original: it only clears maintenance and is harmless. A server
			// without checks reports "no check" while it takes traffic;
			// enabling it again on every update was pure socket noise.
			if !strings.HasPrefix(r.Status, "UP") && r.Status != "no check" {
				p.commands = append(p.commands, hapi.EnableServerCommand(r.Proxy, r.Server))
				p.status[serverRef{r.Proxy, r.Server}] = statUp
			}
		case r.Status != "MAINT":
			if want[r.Proxy].slotAgent(r.Server) {
				// An agent's "ready" would end the freed slot's maintenance.
				p.commands = append(p.commands, hapi.DisableAgentCommand(r.Proxy, r.Server))
			}
			p.commands = append(p.commands, hapi.DisableServerCommand(r.Proxy, r.Server))
			p.status[serverRef{r.Proxy, r.Server}] = statMaint
		}
	}
	return p
}

// checkRunning finds the wanted servers HAProxy runs (enabled, by
// backend) and makes a reload pending for those it does not run, unless
// planDynamic adds them.
func (p *socketPlan) checkRunning(running map[string]map[string]bool, want map[string]*desiredProxy) map[string]map[string]bool {
	enabled := map[string]map[string]bool{}
	for _, name := range sortedKeys(want) {
		d := want[name]
		if d.disabled || len(d.live) == 0 {
			continue
		}
		servers, ok := running[name]
		if !ok {
			p.reasons = append(p.reasons, reloadReason{reasonNewSection,
				fmt.Sprintf("backend %s of service %s is not running", name, d.service)})
			continue
		}
		enabled[name] = map[string]bool{}
		for _, s := range d.live {
			if servers[s] {
				enabled[name][s] = true
				continue
			}
			if d.mech == mechDynamic {
				continue // planDynamic adds it
			}
			p.reasons = append(p.reasons, reloadReason{reasonNewServer,
				fmt.Sprintf("server %s/%s is not running", name, s)})
		}
	}
	return enabled
}

// dropsAtRuntime reports whether server left a dynamic backend's config.
func (d *desiredProxy) dropsAtRuntime(server string) bool {
	if d.mech != mechDynamic {
		return false
	}
	_, ok := d.rendered.servers[server]
	return !ok
}

// runningServers maps each proxy HAProxy runs to its server names.
func runningServers(rows []hapi.StatRow) map[string]map[string]bool {
	running := map[string]map[string]bool{}
	for _, r := range rows {
		if running[r.Proxy] == nil {
			running[r.Proxy] = map[string]bool{}
		}
		if r.Type == hapi.TypeServer {
			running[r.Proxy][r.Server] = true
		}
	}
	return running
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// reconcileSockets applies the plan on every socket (one per nbproc
// process); a failure on any of them makes the single reload pending.
func (g *Generator) reconcileSockets(ctx context.Context, in []Service, res *Result, clients []*hapi.Client) {
	want := desiredProxies(in)
	g.chooseMechanisms(want, res)
	var unchanged map[string]bool
	if res != nil {
		unchanged = res.unchanged
	}
	for _, c := range clients {
		g.reconcileSocket(ctx, c, g.forSocket(ctx, c, want), unchanged)
	}
}

// reconcileSocket brings one socket in line: the enable/disable plan,
// then the dynamic one, both against the socket's record (statcache.go),
// which it then patches with what the commands did.
func (g *Generator) reconcileSocket(ctx context.Context, c *hapi.Client, want map[string]*desiredProxy, unchanged map[string]bool) {
	st, want, p, dp, err := g.planSocketOf(ctx, c, want, unchanged)
	if st == nil && err != nil {
		g.socketFailed(c.Path(), err)
		return
	}
	if err != nil {
		g.log.Warn("skipped malformed show stat lines", "path", c.Path(), "err", err)
	}
	for _, r := range p.reasons {
		g.reloads.add(r.kind, r.detail)
	}
	if !st.slotsChecked {
		// Before "enable server": a slot must not take traffic at an
		// address restored from the server state file.
		st.slotsChecked = true
		g.checkSlots(ctx, c, want)
	}
	if !g.sendCommands(ctx, c, p.commands) {
		return
	}
	g.socketRecovered(c.Path())
	g.applyDynamic(ctx, c, dp)
	ch := statChanges{status: p.status, removed: map[serverRef]bool{}}
	g.recordDynamic(&ch, c.Path(), st.index(), want, dp)
	if len(dp.refills) > 0 {
		g.forgetStat(c.Path()) // slot setups change statuses the record does not follow
	}
	g.applyStat(c.Path(), ch)
}

// planSocketOf plans one socket against its record. When the record asks
// for nothing, HAProxy is read anyway: an update with nothing to send has
// no latency to save, and the read notices a dead socket or an outside
// change, as the original's read before every update does.
func (g *Generator) planSocketOf(ctx context.Context, c *hapi.Client, want map[string]*desiredProxy, unchanged map[string]bool) (*statEntry, map[string]*desiredProxy, socketPlan, dynamicPlan, error) {
	if slotAgents(want) {
		// Agents change admin states behind the record's back: a free
		// slot written "disabled" is readied by its agent after a reload.
		g.forgetStat(c.Path())
	}
	st, cached, err := g.statRows(ctx, c)
	if st == nil {
		return nil, nil, socketPlan{}, dynamicPlan{}, err
	}
	plan := want
	if cached {
		plan = changedOnly(want, unchanged)
	}
	p, dp := planSocket(st.rows, st.index(), plan), planDynamic(st.rows, st.index(), plan)
	idle := len(p.commands) == 0 && len(dp.commands) == 0 && len(dp.removals) == 0 && len(dp.refills) == 0
	if cached && idle {
		g.forgetStat(c.Path())
		return g.planSocketOf(ctx, c, want, unchanged)
	}
	return st, plan, p, dp, err
}

// sendCommands sends cmds in batches and reports whether the socket
// worked. A refused command makes a reload pending: only the new config
// can then bring HAProxy in line.
func (g *Generator) sendCommands(ctx context.Context, c *hapi.Client, cmds []string) bool {
	for batch := range slices.Chunk(cmds, socketBatchSize) {
		results, err := c.Exec(ctx, batch...)
		if err != nil {
			g.m.socketCommands.WithLabelValues("error").Add(float64(len(batch)))
			g.socketFailed(c.Path(), err)
			return false
		}
		for _, r := range results {
			if r.Err != nil {
				g.m.socketCommands.WithLabelValues("error").Inc()
				g.log.Warn("haproxy refused a command", "path", c.Path(), "err", r.Err)
				g.reloads.add(reasonSocketError, r.Err.Error())
				g.forgetStat(c.Path()) // its effect is unknown: read HAProxy next time
				continue
			}
			g.m.socketCommands.WithLabelValues("ok").Inc()
			g.log.Debug("haproxy command", "path", c.Path(), "command", r.Command)
		}
	}
	return true
}

// socketFailed logs a socket's failure once, not on every update while
// HAProxy is away, and makes a reload pending on the first: a reload is
// what applies the changes the socket cannot. Later failures add nothing,
// so a socket that stays away does not turn every tick into a reload; the
// changed lines of the config still make theirs.
func (g *Generator) socketFailed(path string, err error) {
	delete(g.versions, path) // HAProxy may come back as another version
	g.forgetStat(path)
	_, down := g.socketDown[path]
	g.socketDown[path] = g.now()
	if down {
		g.log.Debug("haproxy socket still failing", "path", path, "err", err)
		return
	}
	g.reloads.add(reasonSocketError, "socket "+path+" failed")
	if errors.Is(err, fs.ErrNotExist) {
		g.log.Error("haproxy stats socket file is gone, changes are applied by reloads until it is back; "+
			"HAProxy keeps the socket's listener across reloads and recreates the file only when it restarts "+
			"(systemctl restart haproxy)", "path", path, "err", err)
		return
	}
	g.log.Error("haproxy socket failed, a reload is pending", "path", path, "err", err)
}

func (g *Generator) socketRecovered(path string) {
	if _, down := g.socketDown[path]; down {
		delete(g.socketDown, path)
		g.log.Info("haproxy socket answers again", "path", path)
	}
}
