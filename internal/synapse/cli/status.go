package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
)

// statusCmd is `synapse status`: the running daemon's picture over its
// admin socket, HAProxy's live state included.
func statusCmd() *cobra.Command {
	var socket, output string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "print the running synapse's services, their backends as discovered and as HAProxy runs them, and its reloads",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("-o %q: want table or json", output)
			}
			st, err := admin.NewClient(socket).Status(cmdContext(cmd))
			if err != nil {
				return socketHint(socket, err)
			}
			if output == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			return printStatus(cmd.OutOrStdout(), st, time.Now())
		},
	}
	cmd.Flags().StringVar(&socket, "admin-socket", envOr("SYNAPSE_ADMIN_SOCKET", admin.DefaultSocket(os.LookupEnv)),
		"the running synapse's admin socket; env SYNAPSE_ADMIN_SOCKET")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	return cmd
}

func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// printStatus is three tables: the services and their watchers, every
// server (discovered, live in HAProxy, or both), and the proxies' reloads.
func printStatus(w io.Writer, st admin.StatusResult, now time.Time) error {
	sort.Slice(st.Services, func(i, j int) bool { return st.Services[i].Name < st.Services[j].Name })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "synapse: %s\n\n", map[bool]string{true: "ready", false: "starting (not every service discovered yet)"}[st.Ready])
	fmt.Fprintln(tw, "SERVICE\tMETHOD\tWATCHER\tBACKENDS\tLAST DISCOVERY\tRESTARTS\tLAST ERROR")
	for _, s := range st.Services {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%s\n", s.Name, s.Method, watcherState(s.Watcher), len(s.Backends),
			ago(s.Watcher.LastSnapshot, now), s.Watcher.Restarts, orDash(oneLine(s.Watcher.LastError)))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "SERVICE\tSERVER\tADDRESS\tDISCOVERED\tHAPROXY\tWEIGHT\tLAST CHANGE")
	for _, s := range st.Services {
		for _, srv := range servers(s) {
			weight := "-"
			if srv.Status != "" {
				weight = fmt.Sprint(srv.Weight)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, oneLine(srv.Name), orDash(oneLine(srv.Addr)), yesNo(srv.Discovered),
				orDash(oneLine(srv.Status)), weight, ago(srv.LastChange, now))
		}
	}
	for _, p := range st.Proxies {
		fmt.Fprintln(tw)
		printProxy(tw, p, now)
	}
	return tw.Flush()
}

// servers are HAProxy's rows when there is a haproxy generator, else the
// discovered backends alone.
func servers(s admin.ServiceStatus) []generator.ProxyServer {
	if s.HAProxy != nil {
		return s.HAProxy.Servers
	}
	out := make([]generator.ProxyServer, 0, len(s.Backends))
	for _, b := range s.Backends {
		name, _ := b.Name.AsString()
		out = append(out, generator.ProxyServer{Name: orDash(name), Addr: b.Host + ":" + b.Port.String(), Discovered: true})
	}
	return out
}

func printProxy(w io.Writer, p generator.ProxyReport, now time.Time) {
	fmt.Fprintf(w, "%s: %d reloads, %d failed", p.Generator, p.Reloads, p.ReloadFailures)
	if l := p.LastReload; l != nil {
		result := "ok"
		if !l.OK {
			result = "FAILED: " + oneLine(l.Error)
		}
		fmt.Fprintf(w, "; last %s, %s (%s)", ago(l.Time, now), result, strings.Join(l.Reasons, "; "))
	}
	fmt.Fprintln(w)
	if len(p.PendingReload) > 0 {
		fmt.Fprintf(w, "%s: reload pending: %s\n", p.Generator, strings.Join(p.PendingReload, "; "))
	}
	switch {
	case p.Error != "":
		fmt.Fprintf(w, "%s: live state unknown: %s\n", p.Generator, oneLine(p.Error))
	case p.Socket != "":
		fmt.Fprintf(w, "%s: live state read from %s\n", p.Generator, p.Socket)
	}
}

func watcherState(h admin.WatcherHealth) string {
	switch {
	case !h.Running:
		return "stopped"
	case !h.Discovered:
		return "waiting"
	}
	return "ok"
}

// ago is t in UTC with its age, "-" when unknown.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return fmt.Sprintf("%s (%s ago)", t.UTC().Format(time.RFC3339), now.Sub(t).Round(time.Second))
}

func yesNo(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// oneLine keeps what came from elsewhere (a registration's name, a
// watcher's error, a reload command's output) from breaking the table or
// driving the terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
