package testutil

import (
	"fmt"
	"strings"
)

// HAProxyServer is one server line of `show stat`.
type HAProxyServer struct {
	Backend  string
	Name     string
	Addr     string // host:port; HAProxy leaves it empty on some old versions
	Status   string // UP, DOWN, MAINT, "MAINT (resolution)", "UP 1/2"...
	Sessions string // scur
}

// Live reports whether HAProxy would route a new request to the server:
// UP (or going down, still UP) and not in maintenance or drain.
func (s HAProxyServer) Live() bool {
	return strings.HasPrefix(s.Status, "UP") || s.Status == "no check"
}

// Servers parses `show stat` into its server lines (not FRONTEND or
// BACKEND), reading the column positions from the header so it does not
// depend on one HAProxy version's layout.
func (h *HAProxy) Servers() ([]HAProxyServer, error) {
	out, err := h.Command("show stat")
	if err != nil {
		return nil, err
	}
	return ParseShowStat(out)
}

// ParseShowStat is Servers on an answer already read.
func ParseShowStat(out string) ([]HAProxyServer, error) {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "# ") {
		return nil, fmt.Errorf("show stat: no header in %.200q", out)
	}
	col := map[string]int{}
	for i, name := range strings.Split(strings.TrimPrefix(lines[0], "# "), ",") {
		col[name] = i
	}
	for _, want := range []string{"pxname", "svname", "status", "addr", "scur"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("show stat: header lacks %q", want)
		}
	}
	var servers []HAProxyServer
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		if len(f) <= col["addr"] || f[1] == "FRONTEND" || f[1] == "BACKEND" {
			continue
		}
		servers = append(servers, HAProxyServer{
			Backend: f[col["pxname"]], Name: f[col["svname"]], Addr: f[col["addr"]],
			Status: f[col["status"]], Sessions: f[col["scur"]],
		})
	}
	return servers, nil
}
