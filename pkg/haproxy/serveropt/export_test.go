package serveropt

import (
	"maps"
	"slices"
)

// AllowedKeywords is the allow-list, sorted, without the keywords newer
// than the oldest supported HAProxy.
func AllowedKeywords() []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(keywords)) {
		if !keywords[name].since.after(oldest) {
			out = append(out, name)
		}
	}
	return out
}
