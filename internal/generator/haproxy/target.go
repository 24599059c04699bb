package haproxy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/modernize"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// target is what the generator knows of the HAProxy its config is for:
// user-supplied lines are translated for it (modernize), so a config
// written for HAProxy 1.x loads in 2.x.
type target struct {
	version hapi.Version
	// source says where version came from, for the log; "" until known.
	source string
	// binaryTried is set once `haproxy -v` was tried: the binary does not
	// appear or change under a running synapse.
	binaryTried bool
	// warned holds the translation warnings already logged: one per
	// distinct line per process, not per render.
	warned map[string]bool
}

// haproxyVersionTimeout bounds `haproxy -v`, which answers at once.
const haproxyVersionTimeout = 5 * time.Second

var _ generator.Preparer = (*Generator)(nil)

// Prepare finds the HAProxy version before the first Update needs it.
func (g *Generator) Prepare(ctx context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cfg.ModernizeHAProxyConfig {
		g.resolveBinary(ctx)
	}
}

// resolveTarget finds the HAProxy version to translate for, once it is
// known: `haproxy -v` of the binary the commands name (else of haproxy on
// PATH or in sbin), else "show info" on the first stats socket, else the
// haproxy_version key. Unknown, or modernize_haproxy_config false, writes
// lines as is, as the original does.
func (g *Generator) resolveTarget(ctx context.Context) {
	t := &g.target
	if !g.cfg.ModernizeHAProxyConfig || g.resolveBinary(ctx) {
		return
	}
	if len(g.clients) > 0 {
		info, err := g.clients[0].ShowInfo(ctx)
		if err == nil && info.Version.Major > 0 {
			g.setTarget(info.Version, "show info on "+g.clients[0].Path())
			return
		}
	}
	if g.cfg.HAProxyVersion != "" {
		v, _ := hapi.ParseVersion(g.cfg.HAProxyVersion) // Validate checked it
		g.setTarget(v, "haproxy_version")
		return
	}
	if !t.warned[""] {
		g.log.Warn("haproxy version unknown (no haproxy binary, no stats socket answer, no haproxy_version): writing the config's HAProxy lines as they are")
		t.warned[""] = true
	}
}

// TargetVersion is the HAProxy version cfg's user lines are written for,
// found as a running generator finds it, and where it came from; zero
// and "" when unknown or when modernize_haproxy_config is false. For
// checks outside the generator (synapse -k): pass it as Input.Target.
func TargetVersion(ctx context.Context, cfg *Config) (hapi.Version, string) {
	if !cfg.ModernizeHAProxyConfig {
		return hapi.Version{}, ""
	}
	if bin, v, err := installedHAProxy(ctx, cfg.CheckCommand, cfg.ReloadCommand); err == nil {
		return v, bin + " -v"
	}
	if cfg.DoSocket && len(cfg.SocketFilePath) > 0 {
		c := hapi.New(cfg.SocketFilePath[0])
		if info, err := c.ShowInfo(ctx); err == nil && info.Version.Major > 0 {
			return info.Version, "show info on " + c.Path()
		}
	}
	if v, err := hapi.ParseVersion(cfg.HAProxyVersion); err == nil {
		return v, "haproxy_version"
	}
	return hapi.Version{}, ""
}

// resolveBinary reports whether the version is known, asking the
// installed HAProxy first if that was never tried.
func (g *Generator) resolveBinary(ctx context.Context) bool {
	if g.target.source != "" || g.target.binaryTried {
		return g.target.source != ""
	}
	g.target.binaryTried = true
	bin, v, err := installedHAProxy(ctx, g.cfg.CheckCommand, g.cfg.ReloadCommand)
	if err != nil {
		g.log.Debug("haproxy -v gave no version", "binary", bin, "err", err)
		return false
	}
	g.setTarget(v, bin+" -v")
	return true
}

func (g *Generator) setTarget(v hapi.Version, source string) {
	g.target.version, g.target.source = v, source
	tr := modernize.Translator{Target: v}
	g.log.Info("haproxy config written for this haproxy version", "version", v.String(), "from", source, "translating_1x_lines", tr.Active())
}

// logTranslations logs each translation warning once per process: the
// generator renders on every change, the lines rarely change.
func (g *Generator) logTranslations(res *Result) {
	if res == nil {
		return
	}
	for _, w := range res.Translated {
		if !g.target.warned[w] {
			g.target.warned[w] = true
			g.log.Warn(w)
		}
	}
}

// haproxyBinary is the first of haproxyCandidates.
func haproxyBinary(commands ...string) string { return haproxyCandidates(commands...)[0] }

// haproxyCandidates are the binaries that may be the installed HAProxy,
// best first: the haproxy that check_command or reload_command runs (a
// word whose base name is "haproxy", after sudo or env; a path is used as
// written), then haproxy on PATH, then the usual sbin paths that a user's
// PATH often lacks. Never empty: "haproxy" when none is found.
func haproxyCandidates(commands ...string) []string {
	var out []string
	add := func(p string) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, c := range commands {
		for _, w := range strings.Fields(c) {
			if filepath.Base(w) != "haproxy" || initScript(w) {
				continue
			}
			if strings.Contains(w, "/") {
				add(w)
			} else if p, err := exec.LookPath(w); err == nil {
				add(p)
			}
		}
	}
	if p, err := exec.LookPath("haproxy"); err == nil {
		add(p)
	}
	for _, p := range []string{"/usr/sbin/haproxy", "/usr/local/sbin/haproxy"} {
		if _, err := os.Stat(p); err == nil {
			add(p)
		}
	}
	if len(out) == 0 {
		add("haproxy")
	}
	return out
}

// initScript reports whether a command word is a service script named
// haproxy ("/etc/init.d/haproxy reload" in Chef-written configs), which is
// not the binary and answers -v with a usage error.
func initScript(w string) bool {
	return strings.Contains(w, "/init.d/") || strings.Contains(w, "/rc.d/")
}

// installedHAProxy is the best candidate and its `haproxy -v` version.
// Only the first is asked: a command naming a missing haproxy says the
// host runs another one than PATH's.
func installedHAProxy(ctx context.Context, commands ...string) (string, hapi.Version, error) {
	bin := haproxyCandidates(commands...)[0]
	v, err := binaryVersion(ctx, bin)
	return bin, v, err
}

// versionLine matches `haproxy -v`: "HAProxy version 2.6.12-1+deb12u3 ..."
// (1.x: "HA-Proxy version 1.8.30 ...").
var versionLine = regexp.MustCompile(`HA-?Proxy version (\S+)`)

func binaryVersion(ctx context.Context, bin string) (hapi.Version, error) {
	ctx, cancel := context.WithTimeout(ctx, haproxyVersionTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-v").Output()
	if err != nil {
		return hapi.Version{}, fmt.Errorf("%s -v: %w", bin, err)
	}
	return parseVersionOutput(string(out))
}

func parseVersionOutput(out string) (hapi.Version, error) {
	m := versionLine.FindStringSubmatch(out)
	if m == nil {
		return hapi.Version{}, errors.New("no \"HAProxy version\" in haproxy -v")
	}
	return hapi.ParseVersion(m[1])
}
