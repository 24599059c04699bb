package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
)

// weightCmd is `nerve weight <service> <w>|config`: the registered weight,
// changed live over the admin socket.
func weightCmd(lookup lookupEnv) *cobra.Command {
	var socket, format string
	var ramp time.Duration
	cmd := &cobra.Command{
		Use:   "weight <service> <0-256>|config",
		Short: "change a service's registered weight live (in place, no deregistration); \"config\" returns to the configured one",
		Long: `Change the weight in the running nerve's registration of a service, over its
admin socket. The registration is rewritten in place, so synapse changes the
server's weight in HAProxy without removing it. With --ramp the weight climbs
from 1 to the target in go-nerve's warm-up steps over that long. Weight 0
keeps the registration but HAProxy sends it no new connections.

The live weight is kept across worker restarts and across reloads that leave
the service's config unchanged; a reload that changes the service, and a
nerve restart, return to the configured weight. "config" returns to it now.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := admin.NewClient(socket)
			var res admin.WeightResult
			var err error
			if args[1] == "config" {
				if ramp != 0 {
					return fmt.Errorf("--ramp: not with \"config\"; the configured weight applies at once")
				}
				res, err = c.ResetWeight(cmdContext(cmd), args[0])
			} else {
				w, perr := strconv.Atoi(args[1])
				if perr != nil || w < admin.MinWeight || w > admin.MaxWeight {
					return fmt.Errorf("weight %q: want an integer from %d to %d, or config", args[1], admin.MinWeight, admin.MaxWeight)
				}
				res, err = c.SetWeight(cmdContext(cmd), args[0], w, ramp)
			}
			if err != nil {
				return socketHint(socket, err)
			}
			return emit(cmd.OutOrStdout(), format, res, func() error {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), weightLine(res))
				return err
			})
		},
	}
	socketFlag(cmd, &socket, lookup)
	cmd.Flags().DurationVar(&ramp, "ramp", 0, "climb from 1 to the weight over this long (e.g. 60s), as go-nerve's warm-up does")
	outputFlag(cmd, &format)
	return cmd
}

func weightLine(r admin.WeightResult) string {
	conf := "none"
	if r.Configured != nil {
		conf = strconv.Itoa(*r.Configured)
	}
	switch {
	case r.Weight == nil:
		return fmt.Sprintf("%s: live weight dropped; configured weight %s applies", r.Service, conf)
	case r.RampEnds != "":
		return fmt.Sprintf("%s: weight ramping from 1 to %d over %s, until %s (configured %s)", r.Service, *r.Weight, r.Ramp, r.RampEnds, conf)
	}
	return fmt.Sprintf("%s: weight %d (configured %s)", r.Service, *r.Weight, conf)
}
