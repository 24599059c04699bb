package registration

import "fmt"

// parseServerSet reads a Finagle/Aurora ServerSet member:
//
//	{"serviceEndpoint":{"host":"h","port":31943},
//	 "additionalEndpoints":{"http":{"host":"h","port":31944}},
//	 "shard":0,"status":"ALIVE"}
//
// The backend is serviceEndpoint, or additionalEndpoints[endpointName] when
// a name is configured; its name is the shard as a string ("0" for shard
// 0), none without a shard. Any "name" inside the endpoint is replaced, as
// in the original.
//
// "status" is ignored, so DEAD and STARTING members are used too. That is
// the original's behaviour (a quirk, not a design); it is
// kept because a fleet switching implementations must see the same
// backends, and changing it belongs in the watcher behind an option.
func parseServerSet(data []byte, endpointName string) (Backend, error) {
	var b Backend
	err := withObject(data, func(obj Value) error {
		ep, where, err := serverSetEndpoint(obj, endpointName)
		if err != nil {
			return err
		}
		if b, err = endpointFields(ep); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		b.Name, err = shardName(obj)
		return err
	})
	if err != nil {
		return Backend{}, err
	}
	return b, nil
}

// serverSetEndpoint returns the chosen endpoint object and its description
// for error messages.
func serverSetEndpoint(obj Value, endpointName string) (Value, string, error) {
	where := "serviceEndpoint"
	ep, ok := obj.Get(where)
	if endpointName != "" {
		where = fmt.Sprintf("additionalEndpoints[%q]", endpointName)
		all, _ := obj.Get("additionalEndpoints")
		ep, ok = all.Get(endpointName)
		if !ok || ep.kind() == KindNull {
			return Value{}, "", fmt.Errorf("serverset has no additional endpoint %q", endpointName)
		}
	}
	if !ok || ep.kind() == KindNull {
		return Value{}, "", fmt.Errorf(`serverset has no "serviceEndpoint"`)
	}
	if ep.kind() != KindObject {
		return Value{}, "", fmt.Errorf("serverset %s is %s, want an object", where, ep.kind().article())
	}
	return ep, where, nil
}

// shardName converts the shard as Ruby's `(shard || nil).to_s` does: numbers
// in Ruby's spelling, strings as they are, false and null as no name.
func shardName(obj Value) (Value, error) {
	v, _ := obj.Get("shard")
	switch {
	case v.kind() == KindAbsent || v.kind() == KindNull:
		return Value{}, nil
	case v.kind() == KindBool && v.text == "false":
		return Value{}, nil
	case v.kind() == KindNumber || v.kind() == KindString || v.kind() == KindBool:
		return StringValue(v.text), nil
	}
	return Value{}, fmt.Errorf(`serverset "shard" is %s, want an integer`, v.kind().article())
}
