// Package labelfilter is the `label_filters` (and deprecated
// `label_filter`) keys of a `discovery:` section: which backends, by their
// labels, a watcher's set keeps. The synapse core applies a service's
// filters; the multi watcher applies each child's own. A leaf package, so
// that watchers need not import the synapse core.
package labelfilter

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Label filter conditions.
const (
	Equals    = "equals"
	NotEquals = "not-equals"
)

// Filter keeps the backends whose label Label equals (or, with
// not-equals, differs from) Value. A backend without labels has none, so
// it fails every equals filter and passes every not-equals one.
type Filter struct {
	Label     string
	Value     registration.Value // compared as JSON: "1" and 1 differ, as in Ruby
	Condition string             // Equals or NotEquals
}

type filterKeys struct {
	Label     string           `yaml:"label"`
	Value     config.JSONValue `yaml:"value"`
	Condition string           `yaml:"condition"`
}

var _ config.Unmarshaler = (*Filter)(nil)

// UnmarshalConfig implements config.Unmarshaler.
func (f *Filter) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	var k filterKeys
	d.Decode(n, path, &k)
	*f = Filter{Label: k.Label, Value: k.Value.Value, Condition: k.Condition}
	return nil
}

// Validate reports a missing label or an unknown condition. The original
// drops every backend when a filter's condition is neither equals nor
// not-equals (the filter can never pass); here it is a config error, as a
// typo would otherwise empty the service.
func (f Filter) Validate() error {
	var errs []error
	if f.Label == "" {
		errs = append(errs, errors.New("missing label"))
	}
	switch f.Condition {
	case Equals, NotEquals:
	case "":
		errs = append(errs, fmt.Errorf("missing condition, want %q or %q", Equals, NotEquals))
	default:
		errs = append(errs, fmt.Errorf("invalid condition %q, want %q or %q", f.Condition, Equals, NotEquals))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("filter on label %q: %w", f.Label, err)
	}
	return nil
}

// Match reports whether labels (a backend's labels; absent or not an
// object means none) pass f.
func (f Filter) Match(labels registration.Value) bool {
	got, _ := labels.Get(f.Label)
	same := nullIfAbsent(got).Equal(nullIfAbsent(f.Value))
	switch f.Condition {
	case Equals:
		return same
	case NotEquals:
		return !same
	}
	return false
}

func nullIfAbsent(v registration.Value) registration.Value {
	if !v.Present() {
		return registration.NullValue()
	}
	return v
}

// Keep returns the backends of bs that pass every filter, in order; bs
// itself when there are no filters.
func Keep(filters []Filter, bs []registration.Backend) []registration.Backend {
	if len(filters) == 0 {
		return bs
	}
	out := make([]registration.Backend, 0, len(bs))
	for _, b := range bs {
		if All(filters, b) {
			out = append(out, b)
		}
	}
	return out
}

// All reports whether b passes every filter.
func All(filters []Filter, b registration.Backend) bool {
	for _, f := range filters {
		if !f.Match(b.Labels) {
			return false
		}
	}
	return true
}

// Section is the label filter keys of a `discovery:` section, which every
// method shares: decode the section into the method's config and into this
// at once (config.DecodeTyped's also).
type Section struct {
	LabelFilters []Filter `yaml:"label_filters"`
	// LabelFilter is the deprecated single filter, merged in front.
	LabelFilter *Filter `yaml:"label_filter"`
}

// Filters returns the merged list, the deprecated single filter first as
// in the original.
func (s Section) Filters() []Filter {
	out := make([]Filter, 0, len(s.LabelFilters)+1)
	if s.LabelFilter != nil {
		out = append(out, *s.LabelFilter)
	}
	return append(out, s.LabelFilters...)
}

// Deprecated returns the warning to log when the single filter is used.
func (s Section) Deprecated() (string, bool) {
	return "label_filter is deprecated; use label_filters, a list", s.LabelFilter != nil
}

// Validate reports invalid filters with their key paths in the discovery
// section.
func (s Section) Validate() error {
	var errs []error
	if s.LabelFilter != nil {
		if err := s.LabelFilter.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("label_filter: %w", err))
		}
	}
	for i, lf := range s.LabelFilters {
		if err := lf.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("label_filters[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
