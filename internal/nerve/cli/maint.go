package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/smartstack-go/smartstack/internal/adminsock"
	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// maintCmd is `nerve maint`: the running daemon's maintenance over its
// admin socket.
func maintCmd(lookup lookupEnv) *cobra.Command {
	var socket string
	client := func() *admin.Client { return admin.NewClient(socket) }
	cmd := &cobra.Command{
		Use:   "maint",
		Short: "take services of the running nerve out of rotation and back, over its admin socket",
		Args:  cobra.NoArgs,
	}
	socketFlag(cmd, &socket, lookup)
	var reason, format string
	var dur time.Duration
	down := &cobra.Command{
		Use:   "down <service>|all",
		Short: "report a service (or every one) down until `maint up` or --for ends, across nerve restarts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dur < 0 {
				return fmt.Errorf("--for %s: want a positive duration", dur)
			}
			res, err := client().MaintenanceDown(cmdContext(cmd), args[0], reason, dur)
			if err != nil {
				return socketHint(socket, err)
			}
			return emit(cmd.OutOrStdout(), format, res, func() error {
				until := ""
				if res.Expires != "" {
					until = ", until " + res.Expires
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "%s: in maintenance (%s)%s\n", res.Service, res.Reason, until)
				return err
			})
		},
	}
	down.Flags().StringVar(&reason, "reason", "", "why, kept in the maintenance file and the log (default \"maintenance\")")
	down.Flags().DurationVar(&dur, "for", 0, "end the maintenance by itself after this long (e.g. 30m), across restarts too; default: until \"maint up\"")
	outputFlag(down, &format)
	up := &cobra.Command{
		Use:   "up <service>|all",
		Short: "end a service's (or all's) maintenance; its checks decide again",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := client().MaintenanceUp(cmdContext(cmd), args[0])
			if err != nil {
				return socketHint(socket, err)
			}
			return emit(cmd.OutOrStdout(), format, res, func() error {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "%s: maintenance ended\n", res.Service)
				return err
			})
		},
	}
	outputFlag(up, &format)
	status := &cobra.Command{
		Use:   "status",
		Short: "print each service's reported state and maintenance",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := client().Status(cmdContext(cmd))
			if err != nil {
				return socketHint(socket, err)
			}
			return emit(cmd.OutOrStdout(), format, maintView(st), func() error { return printMaint(cmd.OutOrStdout(), st) })
		},
	}
	outputFlag(status, &format)
	cmd.AddCommand(down, up, status)
	return cmd
}

func socketFlag(cmd *cobra.Command, socket *string, lookup lookupEnv) {
	cmd.PersistentFlags().StringVar(socket, "admin-socket", envOr(lookup, "NERVE_ADMIN_SOCKET", admin.DefaultSocket(lookup)),
		"the running nerve's admin socket; env NERVE_ADMIN_SOCKET")
}

func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// maintEntry is one service in `maint status -o json`.
type maintEntry struct {
	Service     string `json:"service"`
	Reported    string `json:"reported"`
	Maintenance bool   `json:"maintenance"`
	Reason      string `json:"reason,omitempty"`
	Source      string `json:"source,omitempty"`
	Expires     string `json:"expires,omitempty"`
}

func maintView(st []admin.ServiceStatus) map[string][]maintEntry {
	out := make([]maintEntry, 0, len(st))
	for _, s := range st {
		out = append(out, maintEntry{Service: s.Service, Reported: s.Reported, Maintenance: s.Maintenance,
			Reason: s.MaintenanceReason, Source: s.MaintenanceSource, Expires: s.MaintenanceExpires})
	}
	return map[string][]maintEntry{"services": out}
}

// printMaint is one line per service; a maintenance is the spool file's
// state as of the service's last round.
func printMaint(w io.Writer, st []admin.ServiceStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tREPORTED\tMAINTENANCE\tCHECKS\tEXPIRES\tREASON")
	for _, s := range st {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Service, s.Reported, maintWord(s), checksWord(s.ChecksUp),
			orDash(s.MaintenanceExpires), orDash(s.MaintenanceReason))
	}
	return tw.Flush()
}

func maintWord(s admin.ServiceStatus) string {
	switch {
	case !s.Maintenance:
		return "no"
	case s.MaintenanceSource == admin.All:
		return "yes (all)"
	}
	return "yes"
}

func checksWord(up *bool) string {
	if up == nil {
		return "-"
	}
	return map[bool]string{true: "up", false: "down"}[*up]
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// socketHint says what to do about the two usual socket errors.
func socketHint(path string, err error) error { return adminsock.Hint("nerve", path, err) }
