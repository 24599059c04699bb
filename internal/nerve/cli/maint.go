package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
	cmd.PersistentFlags().StringVar(&socket, "admin-socket", envOr(lookup, "NERVE_ADMIN_SOCKET", admin.DefaultSocket(lookup)),
		"the running nerve's admin socket; env NERVE_ADMIN_SOCKET")
	var reason string
	down := &cobra.Command{
		Use:   "down <service>|all",
		Short: "report a service (or every one) down until `maint up`, across nerve restarts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := client().MaintenanceDown(cmdContext(cmd), args[0], reason)
			if err != nil {
				return socketHint(socket, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: in maintenance (%s)\n", res.Service, res.Reason)
			return nil
		},
	}
	down.Flags().StringVar(&reason, "reason", "", "why, kept in the maintenance file and the log (default \"maintenance\")")
	up := &cobra.Command{
		Use:   "up <service>|all",
		Short: "end a service's (or all's) maintenance; its checks decide again",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := client().MaintenanceUp(cmdContext(cmd), args[0])
			if err != nil {
				return socketHint(socket, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: maintenance ended\n", res.Service)
			return nil
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "print each service's reported state and maintenance",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := client().Status(cmdContext(cmd))
			if err != nil {
				return socketHint(socket, err)
			}
			return printStatus(cmd.OutOrStdout(), st)
		},
	}
	cmd.AddCommand(down, up, status)
	return cmd
}

func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// printStatus is one line per service; a maintenance is the spool file's
// state as of the service's last round.
func printStatus(w io.Writer, st []admin.ServiceStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tREPORTED\tMAINTENANCE\tCHECKS\tZNODE")
	for _, s := range st {
		checks := "-"
		if s.ChecksUp != nil {
			checks = map[bool]string{true: "up", false: "down"}[*s.ChecksUp]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Service, s.Reported, map[bool]string{true: "yes", false: "no"}[s.Maintenance],
			checks, orDash(s.Path))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// socketHint says what to do about the two usual socket errors.
func socketHint(path string, err error) error { return adminsock.Hint("nerve", path, err) }
