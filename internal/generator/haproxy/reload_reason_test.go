package haproxy

import (
	"strings"
	"testing"
)

func TestAlerts(t *testing.T) {
	out := "[NOTICE]   (1) : haproxy version is 2.6.12\n" +
		"[ALERT]    (1165) : config : parsing [h.cfg:11] : unknown keyword 'x' in 'listen' section\n" +
		"[ALERT]    (1165) : config : Fatal errors found in configuration.\n"
	want := "config : parsing [h.cfg:11] : unknown keyword 'x' in 'listen' section; config : Fatal errors found in configuration."
	if got := alerts(out); got != want {
		t.Errorf("alerts = %q, want %q", got, want)
	}
	if got := alerts("no alert here\n"); got != "no alert here" {
		t.Errorf("alerts without ALERT lines = %q, want the output", got)
	}
}

// Without a haproxy binary to ask (HAProxy in another container), a
// failed reload is not blamed on the config.
func TestReloadFailureWithoutBinary(t *testing.T) {
	cfg := NewConfig()
	cfg.ConfigFilePath = t.TempDir() + "/haproxy.cfg"
	cfg.CheckCommand = "/nonexistent/haproxy -c -f x"
	g := &Generator{cfg: &cfg}
	cause, why := g.reloadFailure(t.Context(), nil, "", errReloadRefused)
	if cause != causeNotLoaded || !strings.Contains(why, "own log") {
		t.Errorf("reloadFailure = %s, %q; want not_loaded pointing at HAProxy's log", cause, why)
	}
}
