package cli

import (
	"errors"
	"fmt"

	icfg "github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/synapse"
	"github.com/smartstack-go/smartstack/internal/synapse/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// load reads and validates the whole config; it connects nothing.
func load(path string) (*synapse.Desired, error) { return loadWith(config.Load, path) }

// loadWith is load with config.Load or config.LoadDryRun.
func loadWith(loadFn func(string, func(string) (string, bool)) (*config.Config, []icfg.Warning, error), path string) (*synapse.Desired, error) {
	cfg, warnings, err := loadFn(path, nil)
	if err != nil {
		d := &synapse.Desired{}
		for _, w := range warnings {
			d.Warnings = append(d.Warnings, w.String())
		}
		// Warnings still matter to -k: they often explain the error.
		return d, err
	}
	return cfg.Desired(warnings), nil
}

// buildWatchers builds (without running) every service's watcher, which
// is where a method checks its own config as a whole.
func buildWatchers(d *synapse.Desired) error {
	var errs []error
	for name, s := range d.Services {
		if _, err := watcher.New(s.Method, name, s.Discovery, watcher.Options{}); err != nil {
			errs = append(errs, fmt.Errorf("services.%s.discovery: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
