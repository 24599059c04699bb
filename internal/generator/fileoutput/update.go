package fileoutput

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// Update implements generator.Generator: it writes the file of every
// enabled service whose revision changed, then deletes the *.json files of
// services that are gone or disabled, as the original does. A failed service
// does not stop the others; the errors are joined.
func (g *Generator) Update(ctx context.Context, services []generator.Service) error {
	var errs []error
	keep := make(map[string]bool, len(services))
	for _, svc := range services {
		enabled, err := isEnabled(svc)
		if err != nil {
			// Keep its file: an unreadable config is not a disable.
			keep[svc.Name+".json"] = true
			errs = append(errs, err)
			continue
		}
		if !enabled {
			delete(g.written, svc.Name)
			continue
		}
		keep[svc.Name+".json"] = true
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, fmt.Errorf("file_output: %w", err))...)
		}
		if err := g.updateService(svc); err != nil {
			errs = append(errs, err)
		}
	}
	g.forgetMissing(keep)
	errs = append(errs, g.cleanUp(keep))
	return errors.Join(errs...)
}

// isEnabled reads the Config that Normalize returned; nil is a service
// whose current generator config has no file_output entry.
func isEnabled(svc generator.Service) (bool, error) {
	switch c := svc.Config.(type) {
	case nil:
		return false, nil
	case ServiceConfig:
		return !c.Disabled, nil
	case *ServiceConfig:
		return c != nil && !c.Disabled, nil
	}
	return false, fmt.Errorf("file_output: service %s: config of type %T was not built by Normalize", svc.Name, svc.Config)
}

func (g *Generator) updateService(svc generator.Service) error {
	if rev, ok := g.written[svc.Name]; ok && rev == svc.Revision {
		return nil
	}
	delete(g.written, svc.Name)
	if svc.Name == "" || strings.ContainsAny(svc.Name, "/\x00") {
		g.metrics.count(resultFail)
		return fmt.Errorf("file_output: service %q: the name cannot be a file name", svc.Name)
	}
	data, err := render(svc.Backends)
	if err != nil {
		g.metrics.count(resultFail)
		return fmt.Errorf("file_output: service %s: %w", svc.Name, err)
	}
	wrote, err := writeIfChanged(g.dir, svc.Name+".json", data, g.files)
	if err != nil {
		g.metrics.count(resultFail)
		return fmt.Errorf("file_output: service %s: %w", svc.Name, err)
	}
	g.metrics.count(pick(wrote, resultWritten, resultUnchanged))
	g.written[svc.Name] = svc.Revision
	return nil
}

// forgetMissing drops the revisions of services that are gone, so a
// service that comes back is compared with its file again.
func (g *Generator) forgetMissing(keep map[string]bool) {
	for name := range g.written {
		if !keep[name+".json"] {
			delete(g.written, name)
		}
	}
}

// cleanUp is the original's clean_old_watchers: every entry matching the
// glob *.json (which skips dot files) that is not an enabled service's file
// is deleted, unrelated JSON files included. Directories are left alone;
// the original crashed on them.
func (g *Generator) cleanUp(keep map[string]bool) error {
	entries, err := os.ReadDir(g.dir)
	if err != nil {
		return fmt.Errorf("file_output: clean-up: %w", err)
	}
	var purged []string
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") || keep[name] || e.IsDir() {
			continue
		}
		err := os.Remove(filepath.Join(g.dir, name))
		switch {
		case err == nil:
			purged = append(purged, name)
		case !errors.Is(err, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("file_output: clean-up: %w", err))
		}
	}
	if len(purged) > 0 {
		slices.Sort(purged)
		g.log.Info("purging unknown service files", "dir", g.dir, "files", purged)
	}
	return errors.Join(errs...)
}

func pick(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}
