// Command docgen writes nerve's and synapse's man pages and shell
// completions from their cobra commands, so the packaged docs always match
// the flags. `make dist` runs it; it lives under internal/ so that
// `go install .../cmd/...` does not install it.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	nervecli "github.com/smartstack-go/smartstack/internal/nerve/cli"
	synapsecli "github.com/smartstack-go/smartstack/internal/synapse/cli"
	"github.com/smartstack-go/smartstack/internal/version"
)

func main() {
	out := flag.String("out", "dist/gen", "output directory: man/ and completions/ are created in it")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	// Flag defaults read the environment; the pages must show the defaults
	// a fresh host gets, not the builder's.
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "NERVE_") || strings.HasPrefix(name, "SYNAPSE_") ||
			name == "RUNTIME_DIRECTORY" || name == "DEBUG" {
			os.Unsetenv(name)
		}
	}
	roots := []*cobra.Command{
		nervecli.NewRootCmd(io.Discard, io.Discard),
		synapsecli.NewRootCmd(io.Discard, io.Discard),
	}
	for _, dir := range []string{"man", "completions"} {
		if err := os.MkdirAll(filepath.Join(out, dir), 0o755); err != nil {
			return err
		}
	}
	for _, root := range roots {
		if err := generate(root, out); err != nil {
			return fmt.Errorf("%s: %w", root.Name(), err)
		}
	}
	return nil
}

// generate writes root's pages (one per command) and its bash, zsh and fish
// completions, named as each shell's vendor directory expects.
func generate(root *cobra.Command, out string) error {
	root.DisableAutoGenTag = true // keeps the pages reproducible
	// cobra adds the completion and help commands lazily; add them now so
	// they get pages too, as users see them in --help.
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	header := &doc.GenManHeader{Section: "1", Source: "smartstack " + version.Version, Manual: "SmartStack"}
	if err := doc.GenManTree(root, header, filepath.Join(out, "man")); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	name := root.Name()
	comp := filepath.Join(out, "completions")
	gens := map[string]func(io.Writer) error{
		name + ".bash": func(w io.Writer) error { return root.GenBashCompletionV2(w, true) },
		"_" + name:     root.GenZshCompletion,
		name + ".fish": func(w io.Writer) error { return root.GenFishCompletion(w, true) },
	}
	for file, gen := range gens {
		if err := writeFile(filepath.Join(comp, file), gen); err != nil {
			return fmt.Errorf("completion %s: %w", file, err)
		}
	}
	return nil
}

func writeFile(path string, gen func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gen(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
