package registration

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Method is the znode data format, Synapse's discovery.decode.method.
type Method uint8

const (
	// Nerve is nerve's payload (the default).
	Nerve Method = iota
	// ServerSet is the Finagle/Aurora ServerSet member format.
	ServerSet
)

// ParseMethod maps the config value ("nerve" or "serverset") to a Method.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "nerve":
		return Nerve, nil
	case "serverset":
		return ServerSet, nil
	}
	return 0, fmt.Errorf(`registration: invalid decode method %q: want "nerve" or "serverset"`, s)
}

func (m Method) String() string {
	switch m {
	case Nerve:
		return "nerve"
	case ServerSet:
		return "serverset"
	}
	return fmt.Sprintf("method(%d)", uint8(m))
}

// Format selects how Parse reads node data. The zero Format is nerve's.
type Format struct {
	Method Method
	// EndpointName (serverset only) picks additionalEndpoints[EndpointName]
	// instead of serviceEndpoint. Empty means unset.
	EndpointName string
}

// Parse decodes one child's data into a Backend (ID unset; see ParseChild).
// It fails, naming the problem, where Synapse cannot use the data, and the
// watcher skips that child with one log line:
//   - not JSON, or not a JSON object;
//   - "host" missing, null, empty or not a string;
//   - "port" missing, or neither an integer 0-65535 nor a string of digits
//     in that range (its JSON type is kept);
//   - "name" (nerve) present but not a string; "labels" present but not
//     an object (null counts as absent).
//
// A "haproxy_server_options" that is not a string is left out and the
// registration used without it, as the original does; Backend.Ignored says
// so, for the reader's log.
//
// "weight" is never a reason to fail: it passes through as it came (the
// original's own ZooKeeper test data has "weight":"1"); WeightInt decides.
func Parse(data []byte, f Format) (Backend, error) {
	var b Backend
	var err error
	switch f.Method {
	case Nerve:
		b, err = parseNerve(data)
	case ServerSet:
		b, err = parseServerSet(data, f.EndpointName)
	default:
		err = fmt.Errorf("unknown decode method %v", f.Method)
	}
	if err != nil {
		return Backend{}, fmt.Errorf("registration: %w", err)
	}
	return b, nil
}

// ParseChild is Parse plus the ID from the child name's sequence suffix:
// the record Synapse builds for a child it had to read.
func ParseChild(childName string, data []byte, f Format) (Backend, error) {
	b, err := Parse(data, f)
	if err != nil {
		return Backend{}, err
	}
	if id, ok := SequenceID(childName); ok {
		b.ID = &id
	}
	return b, nil
}

func parseNerve(data []byte) (Backend, error) {
	var b Backend
	err := withObject(data, func(obj Value) error {
		var err error
		if b, err = endpointFields(obj); err != nil {
			return err
		}
		b.Name, err = optional(obj, "name", KindString)
		return err
	})
	if err != nil {
		return Backend{}, err
	}
	return b, nil
}

// withObject calls use with the JSON object in data, or returns the error
// parseObject would. The object is lent (see parseLent): use must not
// keep it, only values read from it.
func withObject(data []byte, use func(obj Value) error) error {
	if !json.Valid(data) {
		obj, err := parseObject(data) // the Token way, for its error
		if err != nil {
			return err
		}
		return use(obj)
	}
	var err error
	perr := parseLent(data, func(v Value) {
		if v.kind() != KindObject {
			err = fmt.Errorf("data is %s, want a JSON object", v.kind().article())
			return
		}
		err = use(v)
	})
	if perr != nil {
		return fmt.Errorf("invalid JSON: %w", perr)
	}
	return err
}

func parseObject(data []byte) (Value, error) {
	v, err := parseJSON(data)
	if err != nil {
		return Value{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if v.kind() != KindObject {
		return Value{}, fmt.Errorf("data is %s, want a JSON object", v.kind().article())
	}
	return v, nil
}

// endpointFields reads every Backend field but name and id from obj.
func endpointFields(obj Value) (Backend, error) {
	var b Backend
	var err error
	if b.Host, err = host(obj); err != nil {
		return Backend{}, err
	}
	if b.Port, err = port(obj); err != nil {
		return Backend{}, err
	}
	b.Weight, _ = obj.Get("weight")
	if b.Weight.kind() == KindNull {
		b.Weight = Value{}
	}
	if b.HAProxyServerOptions, err = optional(obj, "haproxy_server_options", KindString); err != nil {
		b.HAProxyServerOptions = Value{}
		b.Ignored = append(b.Ignored, err.Error()+"; ignored")
	}
	if b.Labels, err = optional(obj, "labels", KindObject); err != nil {
		return Backend{}, err
	}
	return b, nil
}

func host(obj Value) (string, error) {
	v, ok := obj.Get("host")
	if !ok {
		return "", errors.New(`missing "host"`)
	}
	s, ok := v.AsString()
	if !ok {
		return "", fmt.Errorf(`"host" is %s, want a string`, v.kind().article())
	}
	if s == "" {
		return "", errors.New(`"host" is empty`)
	}
	return s, nil
}

func port(obj Value) (Port, error) {
	v, _ := obj.Get("port")
	p, err := portFromValue(v)
	if err != nil {
		return Port{}, err
	}
	if _, err := p.number(); err != nil {
		return Port{}, err
	}
	return p, nil
}

// optional returns obj[key] when it has the wanted kind, absent for a
// missing key or null.
func optional(obj Value, key string, want Kind) (Value, error) {
	v, _ := obj.Get(key)
	if v.kind() == KindNull {
		return Value{}, nil
	}
	if err := checkOptional(v, key, want); err != nil {
		return Value{}, err
	}
	return v, nil
}
