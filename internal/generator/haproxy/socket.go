package haproxy

import (
	"context"
	"errors"
	"io/fs"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/apply"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sendCommands sends cmds (apply.Send) and reports whether the socket
// worked.
func (g *Generator) sendCommands(ctx context.Context, c *hapi.Client, cmds []string) bool {
	return g.took(c, apply.Send(ctx, c, cmds))
}

// took counts and logs what HAProxy made of commands, and reports whether
// the socket worked. A refused command makes a reload pending (only the
// new config can then bring HAProxy in line) and drops the socket's
// record, since the command's effect is unknown.
func (g *Generator) took(c *hapi.Client, r apply.Report) bool {
	if r.OK > 0 {
		g.m.socketCommands.WithLabelValues("ok").Add(float64(r.OK))
	}
	for _, res := range r.Refused {
		g.m.socketCommands.WithLabelValues("error").Inc()
		g.log.Warn("haproxy refused a command", "path", c.Path(), "err", res.Err)
	}
	g.socketReasons(r.Reasons())
	if len(r.Refused) > 0 {
		g.forgetStat(c.Path())
	}
	if r.Err != nil {
		g.m.socketCommands.WithLabelValues("error").Add(float64(r.Unsent))
		g.socketFailed(c.Path(), r.Err)
		return false
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
	g.socketReasons([]reloadReason{{Kind: reasonSocketError, Detail: "socket " + path + " failed"}})
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
