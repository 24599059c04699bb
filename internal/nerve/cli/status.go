package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// statusCmd is `nerve status`: the running daemon's state over its admin
// socket.
func statusCmd(lookup lookupEnv) *cobra.Command {
	var socket, format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "print the running nerve's services: checks, reported state, maintenance, weight, znode",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := admin.NewClient(socket).Status(cmdContext(cmd))
			if err != nil {
				return socketHint(socket, err)
			}
			return emit(cmd.OutOrStdout(), format, admin.StatusResult{Services: st}, func() error {
				return printStatus(cmd.OutOrStdout(), st)
			})
		},
	}
	socketFlag(cmd, &socket, lookup)
	outputFlag(cmd, &format)
	return cmd
}

// printStatus is a services table, then a checks table.
func printStatus(w io.Writer, st []admin.ServiceStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tREPORTED\tCHECKS\tMAINTENANCE\tEXPIRES\tWEIGHT\tZNODE")
	for _, s := range st {
		maint := "-"
		if s.Maintenance {
			maint = s.MaintenanceReason
			if s.MaintenanceSource == admin.All {
				maint += " (all)"
			}
		}
		reported := s.Reported
		if !s.Running {
			reported += " (not running)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Service, reported, checksWord(s.ChecksUp),
			maint, orDash(s.MaintenanceExpires), weightText(s.Weight), orDash(s.Path))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "SERVICE\tCHECK\tTYPE\tSTATE\tLAST\tTOOK\tAT\tERROR")
	for _, s := range st {
		for _, c := range s.Checks {
			last := map[bool]string{true: "ok", false: "fail"}[c.LastOK]
			if c.Skipped || c.LastRunUTC == "" {
				last = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Service, c.Name, c.Type,
				map[bool]string{true: "up", false: "down"}[c.Up], last, took(c), orDash(c.LastRunUTC), orDash(oneLine(c.LastError)))
		}
	}
	return tw.Flush()
}

// weightText is the registered weight, then the live target and the
// configured one when they say more: "13 -> 100 (ramp 7/13 until ...; config 10)".
func weightText(w admin.WeightStatus) string {
	s := intOr(w.Registered, "-")
	var notes []string
	if w.Live && w.Target != nil {
		if w.Registered == nil || *w.Registered != *w.Target {
			s += " -> " + strconv.Itoa(*w.Target)
		}
		if w.Steps > 1 && w.Step < w.Steps {
			notes = append(notes, fmt.Sprintf("ramp %d/%d until %s", w.Step, w.Steps, w.RampEnds))
		}
		notes = append(notes, "live")
	}
	notes = append(notes, "config "+intOr(w.Configured, "none"))
	return s + " (" + strings.Join(notes, "; ") + ")"
}

func intOr(p *int, def string) string {
	if p == nil {
		return def
	}
	return strconv.Itoa(*p)
}

func took(c admin.CheckStatus) string {
	if c.LastRunUTC == "" {
		return "-"
	}
	return time.Duration(c.DurationS * float64(time.Second)).Round(time.Millisecond).String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
