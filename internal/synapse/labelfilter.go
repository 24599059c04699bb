package synapse

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

// LabelFilter keeps the backends whose label Label equals (or, with
// not-equals, differs from) Value. A backend without labels has none, so
// it fails every equals filter and passes every not-equals one.
type LabelFilter struct {
	Label     string
	Value     registration.Value // compared as JSON: "1" and 1 differ, as in Ruby
	Condition string             // Equals or NotEquals
}

type labelFilterKeys struct {
	Label     string           `yaml:"label"`
	Value     config.JSONValue `yaml:"value"`
	Condition string           `yaml:"condition"`
}

// UnmarshalConfig implements config.Unmarshaler.
func (f *LabelFilter) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	var k labelFilterKeys
	d.Decode(n, path, &k)
	*f = LabelFilter{Label: k.Label, Value: k.Value.Value, Condition: k.Condition}
	return nil
}

// The original drops every backend when a filter's condition is neither
// equals nor not-equals (the filter can never pass); here it is a config
// error, as a typo would otherwise empty the service.
func (f LabelFilter) validate() error {
	var errs []error
	if f.Label == "" {
		errs = append(errs, errors.New("missing label"))
	}
	if f.Condition != Equals && f.Condition != NotEquals {
		errs = append(errs, fmt.Errorf("invalid condition %q, want %q or %q", f.Condition, Equals, NotEquals))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("filter on label %q: %w", f.Label, err)
	}
	return nil
}

// match reports whether labels (a backend's labels; absent or not an object
// means none) pass f.
func (f LabelFilter) match(labels registration.Value) bool {
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

// DiscoveryFilters are the label filter keys of a `discovery:` section,
// which every method shares: decode the section into the method's config
// and into this at once (config.DecodeTyped's also).
type DiscoveryFilters struct {
	LabelFilters []LabelFilter `yaml:"label_filters"`
	// LabelFilter is the deprecated single filter, merged in front.
	LabelFilter *LabelFilter `yaml:"label_filter"`
}

// Filters returns the merged list, the deprecated single filter first as
// in the original.
func (f DiscoveryFilters) Filters() []LabelFilter {
	out := make([]LabelFilter, 0, len(f.LabelFilters)+1)
	if f.LabelFilter != nil {
		out = append(out, *f.LabelFilter)
	}
	return append(out, f.LabelFilters...)
}

// Deprecated returns the warning to log when the single filter is used.
func (f DiscoveryFilters) Deprecated() (string, bool) {
	return "label_filter is deprecated; use label_filters, a list", f.LabelFilter != nil
}

// Validate reports invalid filters with their key paths in the discovery
// section.
func (f DiscoveryFilters) Validate() error {
	var errs []error
	if f.LabelFilter != nil {
		if err := f.LabelFilter.validate(); err != nil {
			errs = append(errs, fmt.Errorf("label_filter: %w", err))
		}
	}
	for i, lf := range f.LabelFilters {
		if err := lf.validate(); err != nil {
			errs = append(errs, fmt.Errorf("label_filters[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
