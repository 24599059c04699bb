// Command synapse is the SmartStack synapse daemon; see docs/synapse.md.
package main

import (
	"os"

	"github.com/smartstack-go/smartstack/internal/synapse/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
