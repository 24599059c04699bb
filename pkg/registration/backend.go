package registration

import "fmt"

// Backend is the record Synapse builds from one ZooKeeper child. Its fields
// and their order are the Ruby watcher's fixed schema: name, host, port, id,
// weight, haproxy_server_options, labels. Everything else in the payload
// (including a registry-supplied haproxy_server_id) is dropped. JSON null
// and a missing key both read as an absent Value, as they are both nil in
// Ruby.
type Backend struct {
	// Name is nerve's instance_id (serverset: the shard). Absent or a string.
	Name Value
	// Host is always a non-empty string after Parse.
	Host string
	// Port keeps its JSON type ("3001" stays a string); after Parse,
	// Port.Int always succeeds.
	Port Port
	// ID is the child name's numeric sequence suffix; nil when it has none.
	ID *int64
	// Weight is passed through untouched, whatever its type: ZooKeeper data
	// written by other tools has "1" as well as 1. See WeightInt.
	Weight Value
	// HAProxyServerOptions is absent or a string.
	HAProxyServerOptions Value
	// Labels is absent or an object in its original key order; member
	// values are passed through untouched.
	Labels Value

	// Ignored says what Parse left out of the record rather than refuse
	// it, one sentence each, for the reader to log: a haproxy_server_options
	// that is not a string, which the original ignores too. It is not part
	// of the record: Equal and Value leave it out.
	Ignored []string
}

// PortInt returns the port as an integer (see Port.Int).
func (b Backend) PortInt() (int, error) { return b.Port.Int() }

// WeightInt returns the weight when it is a JSON integer from 0 up, the
// only form the Ruby HAProxy generator applies (it checks is_a?(Integer)).
// A string such as "1", a float, a negative number or anything else
// reports false: the server line is written without a weight, as the
// original does for non-integers. (The original would write a negative
// integer and make HAProxy reject the whole config.) A weight above
// MaxWeight reads as MaxWeight: HAProxy refuses a larger one, which would
// make the whole config invalid, and the registrant asked for the most
// traffic a server can get.
func (b Backend) WeightInt() (int, bool) {
	n, ok := b.Weight.AsInt()
	if !ok || n < 0 {
		return 0, false
	}
	return int(min(n, MaxWeight)), true
}

// Equal reports whether b and o hold the same values (see Value.Equal).
func (b Backend) Equal(o Backend) bool {
	sameID := b.ID == o.ID || (b.ID != nil && o.ID != nil && *b.ID == *o.ID)
	return sameID && b.Host == o.Host && b.Port == o.Port && b.Name.Equal(o.Name) &&
		b.Weight.Equal(o.Weight) && b.HAProxyServerOptions.Equal(o.HAProxyServerOptions) &&
		b.Labels.Equal(o.Labels)
}

// Value returns b as a JSON object with all seven keys, absent ones as null,
// as Ruby's to_json writes a backend hash (synapse's file_output), e.g.
//
//	{"name":"i-1","host":"10.0.0.1","port":3000,"id":7,"weight":null,"haproxy_server_options":null,"labels":{"az":"a"}}
func (b Backend) Value() Value {
	id := NullValue()
	if b.ID != nil {
		id = IntValue(*b.ID)
	}
	return ObjectValue(
		Member{"name", b.Name},
		Member{"host", StringValue(b.Host)},
		Member{"port", b.Port.Value()},
		Member{"id", id},
		Member{"weight", b.Weight},
		Member{"haproxy_server_options", b.HAProxyServerOptions},
		Member{"labels", b.Labels},
	)
}

// MarshalJSON writes b.Value() with Ruby's escaping. encoding/json
// HTML-escapes a Marshaler's output unless SetEscapeHTML(false) is used.
func (b Backend) MarshalJSON() ([]byte, error) { return b.AppendJSON(nil) }

// AppendJSON appends b.Value() with Ruby's escaping.
func (b Backend) AppendJSON(dst []byte) ([]byte, error) {
	out, err := appendValue(dst, b.Value(), true)
	if err != nil {
		return dst, fmt.Errorf("registration: %w", err)
	}
	return out, nil
}
