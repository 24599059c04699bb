package plan

// Kind is why HAProxy must reload; it is the `reason` label of
// synapse_haproxy_reloads_total, so the set stays small.
type Kind string

// The original's reload reasons (docs/haproxy.md), minus its state-file
// bug.
const (
	Initial       Kind = "initial"        // first update after start
	NoSocket      Kind = "no_socket"      // do_socket false
	SocketError   Kind = "socket_error"   // a socket failed or refused a command
	NewSection    Kind = "new_section"    // backend unknown to HAProxy
	NewServer     Kind = "new_server"     // server unknown to HAProxy
	ServerChanged Kind = "server_changed" // options or weight
	ConfigChanged Kind = "config_changed" // a change outside server lines
)

// Reason is one thing only a reload can apply, with its cause.
type Reason struct {
	Kind   Kind
	Detail string
}

// Ref names a server of a backend.
type Ref struct{ Backend, Server string }

func (r Ref) String() string { return r.Backend + "/" + r.Server }

// Applied records the server lines HAProxy took at run time during one
// update, by server, with the line (without " disabled") each now runs:
// the reload reasons about those servers are void.
type Applied map[Ref]string

// Change is one server line a plan brings about at run time.
type Change struct {
	Ref  Ref
	Spec string // the line without " disabled"
}

// Record notes that HAProxy took changes.
func (a Applied) Record(changes ...Change) {
	for _, c := range changes {
		a[c.Ref] = c.Spec
	}
}

// Has reports whether backend's server was changed at run time.
func (a Applied) Has(r Ref) bool {
	_, ok := a[r]
	return ok
}

// Runs reports whether r runs the server line spec (a line as written,
// without TAB and " disabled") because of a run-time change.
func (a Applied) Runs(r Ref, spec string) bool {
	got, ok := a[r]
	return ok && got == spec
}
