package render

import (
	"fmt"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/modernize"
)

// sharedFrontend starts `frontend shared-frontend` with the top-level
// lines; nil when the top-level key is absent.
func (r *renderer) sharedFrontend() ([]string, error) {
	if r.in.Config.SharedFrontend == nil {
		return nil, nil
	}
	r.res.Sources.add("frontend shared-frontend", "frontend shared-frontend", "haproxy.shared_frontend")
	kept, err := r.filterTabbed(*r.in.Config.SharedFrontend, "shared frontend", "haproxy.shared_frontend")
	return append([]string{"\nfrontend shared-frontend"}, kept...), err
}

func (r *renderer) serviceSharedFrontend(svc *Service, enabled bool) ([]string, error) {
	if svc.Config.SharedFrontend == nil {
		return nil, nil
	}
	if !enabled {
		r.res.Warnings = append(r.res.Warnings, fmt.Sprintf("service %s contains a shared frontend section but the base config does not! skipping.", svc.Name))
		return nil, nil
	}
	key := config.KeyPath(config.KeyPath("services", svc.Name), "haproxy") + ".shared_frontend"
	return r.filterTabbed(svc.Config.SharedFrontend, "shared frontend section for "+svc.Name, key)
}

// filterTabbed TAB-prefixes lines and then validates them as frontend
// lines, in that order as the original does (so a warning shows the TAB);
// the lines kept are then translated (legacy.go).
func (r *renderer) filterTabbed(lines []string, who, key string) ([]string, error) {
	var kept []modernize.Line
	for i, l := range lines {
		if t := "\t" + l; Allowed("frontend", t) {
			kept = append(kept, modernize.Line{Text: l, Where: config.IndexPath(key, i)})
		} else {
			r.res.Dropped = append(r.res.Dropped, Dropped{Service: who, Section: "frontend", Line: t})
		}
	}
	out, err := r.translate("frontend shared-frontend", modernize.Frontend, kept)
	return appendTabbed([]string{}, out), err
}
