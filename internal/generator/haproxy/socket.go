package haproxy

import (
	"context"
	"errors"
	"io/fs"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// socketBatchSize is how many commands share one connection. The original
// sends 4; a larger batch turns a deploy into fewer round trips while the
// line (with pkg/haproxy's framing command after each) stays far below
// HAProxy's 16 KiB buffer.
const socketBatchSize = 16

// desiredProxies maps backend names (backend_name, else the service name)
// to the services that own them. Services without a haproxy section are
// not managed, so their namesakes in HAProxy are left alone.
func desiredProxies(in []Service) plan.Wants {
	want := plan.Wants{}
	for _, svc := range in {
		if svc.Config == nil {
			continue
		}
		name := svc.Config.backendName(svc.Name)
		d := &plan.Backend{Service: svc.Name, Name: name, Disabled: svc.Config.Disabled, Mech: plan.Reload, Live: svc.names}
		if d.Live == nil {
			for _, b := range svc.Backends {
				d.Live = append(d.Live, ServerName(b.Backend))
			}
		}
		want[name] = d
	}
	return want
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
func (g *Generator) reconcileSocket(ctx context.Context, c *hapi.Client, want plan.Wants, unchanged map[string]bool) {
	st, want, p, err := g.planSocketOf(ctx, c, want, unchanged)
	if st == nil && err != nil {
		g.socketFailed(c.Path(), err)
		return
	}
	if err != nil {
		g.log.Warn("skipped malformed show stat lines", "path", c.Path(), "err", err)
	}
	g.reloads.addAll(p.Reasons)
	if !st.slotsChecked {
		// Before "enable server": a slot must not take traffic at an
		// address restored from the server state file.
		st.slotsChecked = true
		g.checkSlots(ctx, c, want)
	}
	if !g.sendCommands(ctx, c, p.Commands) {
		return
	}
	g.socketRecovered(c.Path())
	g.applyDynamic(ctx, c, p)
	ch := statChanges{status: p.Status, added: p.Added, removed: map[plan.Ref]bool{}}
	g.recordRemovals(&ch, c.Path(), p.Removals)
	if len(p.Refills) > 0 {
		g.forgetStat(c.Path()) // slot setups change statuses the record does not follow
	}
	g.applyStat(c.Path(), ch)
}

// planSocketOf plans one socket against its record. When the record asks
// for nothing, HAProxy is read anyway: an update with nothing to send has
// no latency to save, and the read notices a dead socket or an outside
// change, as the original's read before every update does.
func (g *Generator) planSocketOf(ctx context.Context, c *hapi.Client, want plan.Wants, unchanged map[string]bool) (*statEntry, plan.Wants, plan.Plan, error) {
	if want.SlotAgents() {
		// Agents change admin states behind the record's back: a free
		// slot written "disabled" is readied by its agent after a reload.
		g.forgetStat(c.Path())
	}
	st, cached, err := g.statRows(ctx, c)
	if st == nil {
		return nil, nil, plan.Plan{}, err
	}
	planned := want
	if cached {
		planned = want.Only(unchanged)
	}
	p := plan.Socket(st.rows, st.index(), planned)
	if cached && p.Idle() {
		g.forgetStat(c.Path())
		return g.planSocketOf(ctx, c, want, unchanged)
	}
	return st, planned, p, err
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
