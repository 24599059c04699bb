// Command nerve is the SmartStack nerve daemon; see docs/nerve.md.
package main

import (
	"os"

	"github.com/smartstack-go/smartstack/internal/nerve/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
