package registration

import (
	"errors"
	"fmt"
	"strconv"
)

// Registration is what nerve reports for one healthy service instance.
type Registration struct {
	// Host is the reported address (required).
	Host string
	// Port is written in its configured JSON type (required).
	Port Port
	// Name is nerve's instance_id, not the service name (required).
	Name string
	// Weight, when set, is written as an integer. Nerve's config layer turns
	// the digit string "3" into 3 before it gets here.
	Weight *int
	// HAProxyServerOptions is written only when present: a string, or null
	// when the config has the key with no value (Ruby's has_key? rule).
	HAProxyServerOptions Value
	// Labels is written only when present: an object, whose key order is
	// kept, or null.
	Labels Value
}

// Marshal returns the payload bytes nerve writes as the znode's data (and
// encodes into a base64_ child name): compact JSON with the keys host, port,
// name, weight, haproxy_server_options, labels in that order, optional keys
// only when present, escaped as Ruby's JSON.generate escapes. For example
//
//	{"host":"1.2.3.4","port":3000,"name":"mymachine","weight":2}
//
// The port is not range-checked, because nerve writes whatever is
// configured (its own spec registers port "port"); Parse, on the reading
// side, only accepts ports HAProxy can use.
func Marshal(r Registration) ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("registration: %w", err)
	}
	b, err := r.appendJSON(make([]byte, 0, 64))
	if err != nil {
		return nil, fmt.Errorf("registration: %w", err)
	}
	return b, nil
}

func (r Registration) validate() error {
	switch {
	case r.Host == "":
		return errors.New(`missing "host"`)
	case r.Port.IsZero():
		return errors.New(`missing "port"`)
	case r.Name == "":
		return errors.New(`missing "name" (the instance_id)`)
	case r.Weight != nil && *r.Weight < 0:
		return fmt.Errorf(`invalid "weight" %d: want a non-negative integer`, *r.Weight)
	}
	if err := checkOptional(r.HAProxyServerOptions, "haproxy_server_options", KindString); err != nil {
		return err
	}
	return checkOptional(r.Labels, "labels", KindObject)
}

// checkOptional accepts an absent value, null, or the wanted kind. Other
// kinds would be copied by the Ruby nerve but rejected by Parse, so they are
// refused here rather than registered and then skipped by every reader.
func checkOptional(v Value, key string, want Kind) error {
	if v.kind() == KindAbsent || v.kind() == KindNull || v.kind() == want {
		return nil
	}
	return fmt.Errorf("%q is %s, want %s", key, v.kind().article(), want.article())
}

func (r Registration) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"host":`...)
	b, err := appendString(b, r.Host, true)
	if err != nil {
		return nil, fmt.Errorf(`"host": %w`, err)
	}
	b = append(b, `,"port":`...)
	if b, err = appendValue(b, r.Port.Value(), true); err != nil {
		return nil, fmt.Errorf(`"port": %w`, err)
	}
	b = append(b, `,"name":`...)
	if b, err = appendString(b, r.Name, true); err != nil {
		return nil, fmt.Errorf(`"name": %w`, err)
	}
	if r.Weight != nil {
		b = strconv.AppendInt(append(b, `,"weight":`...), int64(*r.Weight), 10)
	}
	if b, err = appendOptional(b, "haproxy_server_options", r.HAProxyServerOptions); err != nil {
		return nil, err
	}
	if b, err = appendOptional(b, "labels", r.Labels); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

func appendOptional(b []byte, key string, v Value) ([]byte, error) {
	if !v.Present() {
		return b, nil
	}
	b = append(append(append(b, `,"`...), key...), `":`...)
	b, err := appendValue(b, v, true)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", key, err)
	}
	return b, nil
}
