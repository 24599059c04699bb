package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// outputFlag adds -o/--output (text or json) to cmd, checked before the
// command changes anything.
func outputFlag(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVarP(format, "output", "o", "text", "output format: text or json")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if *format != "text" && *format != "json" {
			return fmt.Errorf("--output %q: want text or json", *format)
		}
		return nil
	}
}

// emit writes v as indented JSON for -o json, else calls text.
func emit(w io.Writer, format string, v any, text func() error) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "text", "":
		return text()
	}
	return fmt.Errorf("--output %q: want text or json", format)
}
