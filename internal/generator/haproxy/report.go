package haproxy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

var _ generator.Reporter = (*Generator)(nil)

// reportTimeout bounds each socket's "show stat" for a status request.
const reportTimeout = 5 * time.Second

// Report is the reload history and, from the first stats socket that
// answers "show stat", each service's servers as HAProxy runs them next to
// the ones the last update handed over. The generator's lock is held only
// to copy its state, never across the socket.
func (g *Generator) Report(ctx context.Context) generator.ProxyReport {
	g.mu.Lock()
	rep := generator.ProxyReport{Generator: g.Name(), Reloads: g.reloads.runs, ReloadFailures: g.reloads.failures,
		Services: map[string]generator.ProxyService{}}
	if g.reloads.last != nil {
		last := *g.reloads.last
		rep.LastReload = &last
	}
	if p := g.pendingReload(); len(p) > 0 {
		rep.PendingReload = p
	}
	wanted := wantedServers(g.lastIn)
	paths := slices.Clone(g.cfg.SocketFilePath)
	now := g.now
	g.mu.Unlock()

	rows, err := firstStat(ctx, paths, &rep)
	if err != nil {
		rep.Error = err.Error()
	}
	rep.ReadAt = now()
	for service, w := range wanted {
		rep.Services[service] = w.join(rows, rep.ReadAt)
	}
	return rep
}

// wanted is one service's backend and the server names it was handed.
type wanted struct {
	backend string
	names   []string
	addrs   []string
}

func wantedServers(in []Service) map[string]wanted {
	out := make(map[string]wanted, len(in))
	for _, s := range in {
		w := wanted{backend: s.Name, names: s.Names}
		if s.Config != nil {
			w.backend = s.Config.BackendFor(s.Name)
		}
		for k := range s.LiveCount() {
			b, _ := s.Live(k)
			w.addrs = append(w.addrs, b.Host+":"+b.Port.String())
		}
		out[s.Name] = w
	}
	return out
}

// firstStat reads "show stat" from the first socket that answers.
func firstStat(ctx context.Context, paths []string, rep *generator.ProxyReport) ([]hapi.StatRow, error) {
	if len(paths) == 0 {
		return nil, errors.New("no socket_file_path configured: HAProxy's state is unknown")
	}
	var errs []error
	for _, p := range paths {
		cctx, cancel := context.WithTimeout(ctx, reportTimeout)
		rows, err := hapi.New(p).ShowStat(cctx)
		cancel()
		if err == nil {
			rep.Socket = p
			return rows, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// join lists the wanted servers in order, each with HAProxy's view when it
// runs it, then the servers HAProxy runs in the backend that were not
// wanted (a slot, a server left to drain, one added by hand).
func (w wanted) join(rows []hapi.StatRow, now time.Time) generator.ProxyService {
	ps := generator.ProxyService{Backend: w.backend, Servers: []generator.ProxyServer{}}
	live := map[string]hapi.StatRow{}
	var order []string
	for _, r := range rows {
		if r.Type == hapi.TypeServer && r.Proxy == w.backend {
			live[r.Server] = r
			order = append(order, r.Server)
		}
	}
	seen := map[string]bool{}
	for i, name := range w.names {
		s := generator.ProxyServer{Name: name, Addr: w.addrs[i], Discovered: true}
		if r, ok := live[name]; ok {
			s = liveServer(s, r, now)
		}
		seen[name] = true
		ps.Servers = append(ps.Servers, s)
	}
	for _, name := range order {
		if !seen[name] {
			ps.Servers = append(ps.Servers, liveServer(generator.ProxyServer{Name: name}, live[name], now))
		}
	}
	return ps
}

func liveServer(s generator.ProxyServer, r hapi.StatRow, now time.Time) generator.ProxyServer {
	s.Status, s.Weight = strings.TrimSpace(r.Status), r.Weight
	if s.Addr == "" {
		s.Addr = r.Addr
	}
	if r.LastChg >= 0 {
		s.LastChange = now.Add(-time.Duration(r.LastChg) * time.Second).Truncate(time.Second)
	}
	return s
}
