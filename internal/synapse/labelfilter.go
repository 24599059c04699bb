package synapse

import "github.com/smartstack-go/smartstack/internal/labelfilter"

// The label filters live in internal/labelfilter, a leaf package, so that
// the multi watcher can apply each child's own filters without importing
// the synapse core. These names keep the core's API.

// Label filter conditions.
const (
	Equals    = labelfilter.Equals
	NotEquals = labelfilter.NotEquals
)

// LabelFilter keeps the backends whose label equals (or, with not-equals,
// differs from) a value.
type LabelFilter = labelfilter.Filter

// DiscoveryFilters are the label filter keys of a `discovery:` section.
type DiscoveryFilters = labelfilter.Section
