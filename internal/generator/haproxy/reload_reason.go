package haproxy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// reloadCause is why a reload failed: the `cause` label of
// synapse_haproxy_reload_failures_total, so the set stays small.
type reloadCause string

const (
	// reload_command exited non-zero or timed out; its output says why.
	causeCommand reloadCause = "command_failed"
	// `haproxy -c` refuses the installed config; its ALERT lines say why.
	causeConfig reloadCause = "config_invalid"
	// No HAProxy process answered the stats socket after the command.
	causeNoAnswer reloadCause = "no_answer"
	// `haproxy -c` accepts the config, yet HAProxy kept its old process:
	// it failed while starting (a port taken, the fd limit, memory).
	causeNotLoaded reloadCause = "not_loaded"
)

// Errors of confirmReload, told apart by reloadFailure.
var (
	errReloadNoAnswer = errors.New("no haproxy process answered")
	errReloadRefused  = errors.New("haproxy kept its old process")
)

// reasonCheckTimeout bounds the `haproxy -c` that explains a failure.
const reasonCheckTimeout = 10 * time.Second

// maxReasonLen keeps a reason to a log field's size: HAProxy can print a
// line per server.
const maxReasonLen = 600

// reloadFailure says why a reload failed, in HAProxy's words where synapse
// can get them. HAProxy 2.6 gives a master-worker reload's errors only to
// its own log: its master CLI has no "show startup-logs" (2.7 added that,
// and a "reload" that answers with them), "reload" answers nothing and
// "show proc" counts failed reloads without a reason. So synapse asks the
// installed haproxy to check the config it wrote, and when that passes,
// probes the config's TCP binds for one another socket holds, the usual
// reason a config that checks fine does not load.
func (g *Generator) reloadFailure(ctx context.Context, cmdErr error, out string, confirmErr error) (reloadCause, string) {
	if cmdErr != nil {
		return causeCommand, clip(out)
	}
	bin := haproxyBinary(g.cfg.CheckCommand, g.cfg.ReloadCommand)
	ctx, cancel := context.WithTimeout(ctx, reasonCheckTimeout)
	defer cancel()
	msg, err := exec.CommandContext(ctx, bin, "-c", "-f", g.cfg.ConfigFilePath).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && ctx.Err() == nil { // not a haproxy that could not run
		return causeConfig, clip(alerts(string(msg)))
	}
	if text, err := os.ReadFile(g.cfg.ConfigFilePath); err == nil {
		if taken := takenBinds(string(text)); len(taken) > 0 {
			return causeNotLoaded, clip(strings.Join(taken, "; "))
		}
	}
	// The socket may not answer for a while (the old worker pauses its
	// listeners while the new one binds), so this comes after the checks
	// above that can name the cause.
	if errors.Is(confirmErr, errReloadNoAnswer) {
		return causeNoAnswer, "no process answered " + g.clients[0].Path() + "; HAProxy may have exited (see its log)"
	}
	return causeNotLoaded, bin + " -c accepts the config; HAProxy's own log says why it did not load it (\"Loading failure!\")"
}

// alerts keeps HAProxy's ALERT lines (all of the output when it has none),
// without the "[ALERT]    (1234) : " prefix.
func alerts(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if _, rest, ok := strings.Cut(l, "[ALERT]"); ok {
			if _, msg, ok := strings.Cut(rest, ") : "); ok {
				rest = msg
			}
			keep = append(keep, strings.TrimSpace(rest))
		}
	}
	if len(keep) == 0 {
		return strings.TrimSpace(out)
	}
	return strings.Join(keep, "; ")
}

func clip(s string) string {
	if len(s) > maxReasonLen {
		return s[:maxReasonLen] + "..."
	}
	return s
}

// takenBinds probes the "bind host:port" addresses of a config and says
// which another socket holds (see probeBind).
func takenBinds(config string) []string {
	var out []string
	for _, l := range strings.Split(config, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "bind" {
			continue
		}
		for _, addr := range strings.Split(f[1], ",") {
			if err := probeBind(addr); err != nil {
				out = append(out, fmt.Sprintf("bind %s: %v", addr, err))
			}
		}
	}
	return out
}
