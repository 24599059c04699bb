package haproxy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

var _ generator.Checker = (*Generator)(nil)

// checkTimeout bounds `haproxy -c`, which parses and exits.
const checkTimeout = 30 * time.Second

// Check is `synapse -k` for the haproxy generator: it renders the config
// for services as Update would (user lines translated for the installed
// HAProxy) and, when an haproxy binary is found, runs `haproxy -c` on it in
// a temporary directory, with the stats sockets, pid file and server-state
// file pointed there so the real ones are never touched. HAProxy's ALERTs
// are errors and its WARNINGs warnings, each naming the config key that
// wrote the line.
func (g *Generator) Check(ctx context.Context, services []generator.Service) ([]generator.Problem, error) {
	g.mu.Lock()
	in, err := g.inputs(services)
	g.mu.Unlock()
	if err != nil {
		return nil, err
	}
	target, _ := TargetVersion(ctx, g.cfg)
	res, err := Render(Input{Config: g.cfg, Services: in, Seed: g.seed, Time: g.now(), Target: target, TrackSources: true})
	if err != nil {
		return nil, err
	}
	var probs []generator.Problem
	seen := map[string]bool{}
	// A listen line lands in the frontend and the backend: one warning.
	warn := func(msg string) {
		if !seen[msg] {
			seen[msg] = true
			probs = append(probs, generator.Problem{Severity: generator.Warning, Message: msg})
		}
	}
	for _, t := range res.Translated {
		warn(t)
	}
	for _, d := range res.Dropped {
		warn(d.String())
	}
	for _, w := range res.Warnings {
		warn(w)
	}
	if !g.cfg.DoWrites {
		return append(probs, generator.Problem{Severity: generator.Info,
			Message: "haproxy.do_writes is false: no haproxy.cfg is written, so HAProxy's own check is skipped"}), nil
	}
	bin, v, err := installedHAProxy(ctx, g.cfg.CheckCommand, g.cfg.ReloadCommand)
	if err != nil {
		return append(probs, generator.Problem{Severity: generator.Info,
			Message: fmt.Sprintf("no haproxy binary to check the rendered haproxy.cfg with (%v): HAProxy's own check skipped", err)}), nil
	}
	found, err := haproxyCheck(ctx, bin, v, res)
	return append(probs, found...), err
}

// haproxyCheck runs `bin -c` on res.Text in a temporary directory.
func haproxyCheck(ctx context.Context, bin string, v hapi.Version, res *Result) ([]generator.Problem, error) {
	dir, err := os.MkdirTemp("", "synapse-check-")
	if err != nil {
		return nil, fmt.Errorf("haproxy check: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(Sandbox(res.Text, dir)), 0o600); err != nil {
		return nil, fmt.Errorf("haproxy check: %w", err)
	}
	// The sandboxed server-state-file: an empty state of the current
	// format, as HAProxy finds it after a first `show servers state`, so
	// the check does not warn about a file only a running HAProxy has.
	if err := os.WriteFile(filepath.Join(dir, "server-state"), []byte("1\n"), 0o600); err != nil {
		return nil, fmt.Errorf("haproxy check: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-c", "-f", path)
	cmd.Dir = dir
	out, runErr := cmd.CombinedOutput()
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return nil, fmt.Errorf("haproxy check: %s -c: %w", bin, runErr)
	}
	who := fmt.Sprintf("HAProxy %d.%d", v.Major, v.Minor)
	probs := Complaints(string(out), path, res, who)
	if exit != nil && exit.ExitCode() == 2 && !hasError(probs) {
		// -c exits 2 for a valid config that would not start: no
		// listener, as with every service disabled or without a port.
		return append(probs, generator.Problem{Severity: generator.Warning,
			Message: fmt.Sprintf("haproxy.cfg: %s: %s", who, strings.TrimSpace(lastLine(string(out))))}), nil
	}
	if runErr != nil && !hasError(probs) {
		probs = append(probs, generator.Problem{Severity: generator.Error,
			Message: fmt.Sprintf("haproxy.cfg: %s -c refused it (%v): %s", bin, runErr, strings.TrimSpace(string(out)))})
	}
	return probs, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func hasError(probs []generator.Problem) bool {
	for _, p := range probs {
		if p.Severity == generator.Error {
			return true
		}
	}
	return false
}

// Sandbox rewrites, line for line (so line numbers still match), the
// global lines that name files HAProxy would create or read at start
// (stats socket, pidfile, server-state-file) to paths in dir.
func Sandbox(text, dir string) string {
	lines := strings.Split(text, "\n")
	section, sockets := "", 0
	for i, l := range lines {
		if render.IsHeader(l) {
			section = strings.TrimSpace(l)
			continue
		}
		if section != "global" {
			continue
		}
		f := strings.Fields(l)
		switch {
		case len(f) >= 3 && f[0] == "stats" && f[1] == "socket" && unixPath(f[2]):
			sockets++
			f[2] = filepath.Join(dir, "stats"+strconv.Itoa(sockets)+".sock")
			f = withoutOwner(f)
		case len(f) >= 2 && f[0] == "pidfile":
			f[1] = filepath.Join(dir, "haproxy.pid")
		case len(f) >= 2 && f[0] == "server-state-file":
			f[1] = filepath.Join(dir, "server-state")
		default:
			continue
		}
		lines[i] = "\t" + strings.Join(f, " ")
	}
	return strings.Join(lines, "\n")
}

// withoutOwner drops the owner settings of a stats socket line: the
// checked copy's socket lives in the temp dir, and the accounts they name
// (a "synapse" group the package creates, say) need not exist where the
// config is checked, such as config management's build host.
func withoutOwner(f []string) []string {
	out := f[:3]
	for i := 3; i < len(f); i++ {
		switch f[i] {
		case "user", "group", "uid", "gid":
			i++ // and its value
		default:
			out = append(out, f[i])
		}
	}
	return out
}

// unixPath reports whether a stats socket address is a UNIX socket path
// (not ipv4@, an ip:port or fd@).
func unixPath(addr string) bool {
	if strings.HasPrefix(addr, "unix@") || strings.HasPrefix(addr, "/") {
		return true
	}
	return !strings.Contains(addr, "@") && !strings.Contains(addr, ":")
}

// complaint is one ALERT or WARNING line of `haproxy -c`, e.g.
// "[ALERT]    (1234) : config : parsing [/tmp/x/haproxy.cfg:12] : ...".
var complaint = regexp.MustCompile(`^\[(ALERT|WARNING)\]\s*(?:\(\d+\)\s*)?:\s*(?:config\s*:\s*)?(.*)$`)

// The summary lines HAProxy ends a refusal with, which say nothing the
// ALERTs before them did not.
var summary = regexp.MustCompile(`^(Fatal errors found in configuration|Error\(s\) found in configuration file|Errors found in configuration file)`)

// Complaints turns `haproxy -c` output about res.Text (checked as path)
// into problems naming config keys: `services.web.haproxy.listen[2]:
// "timeout connect banana": HAProxy 2.6: <message>`.
func Complaints(out, path string, res *Result, who string) []generator.Problem {
	loc := regexp.MustCompile(`^\s*(?:parsing\s+)?\[` + regexp.QuoteMeta(path) + `:(\d+)\]\s*:?\s*`)
	// Proxies named inside a message: "frontend 'web' (/tmp/x/haproxy.cfg:13)".
	inner := regexp.MustCompile(regexp.QuoteMeta(path) + `:(\d+)`)
	var probs []generator.Problem
	for _, l := range strings.Split(out, "\n") {
		m := complaint.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		sev, msg := generator.Warning, strings.TrimSpace(m[2])
		if m[1] == "ALERT" {
			sev = generator.Error
			if summary.MatchString(msg) {
				continue
			}
		}
		prefix := "haproxy.cfg"
		if lm := loc.FindStringSubmatchIndex(msg); lm != nil {
			n, _ := strconv.Atoi(msg[lm[2]:lm[3]])
			msg = msg[lm[1]:]
			prefix = describeLine(res, n)
		} else if im := inner.FindStringSubmatch(msg); im != nil {
			n, _ := strconv.Atoi(im[1])
			prefix = describeLine(res, n)
		}
		msg = strings.ReplaceAll(msg, path+":", "haproxy.cfg line ")
		probs = append(probs, generator.Problem{Severity: sev, Message: fmt.Sprintf("%s: %s: %s", prefix, who, msg)})
	}
	return probs
}

// describeLine is `key: "line"` for line n of the rendered config, or
// `haproxy.cfg line n: "line"` when no key wrote it.
func describeLine(res *Result, n int) string {
	l, ok := res.Sources.Lookup(res.Text, n)
	switch {
	case !ok:
		return fmt.Sprintf("haproxy.cfg line %d", n)
	case l.Where == "":
		return fmt.Sprintf("haproxy.cfg line %d: %q", n, l.Text)
	}
	return fmt.Sprintf("%s: %q", l.Where, l.Text)
}
